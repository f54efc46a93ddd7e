// The runs, side by side, and the live one's worker: what the page shows of training. The runs are kept for a
// reload in IndexedDB by runPersistence.ts, which watches this store; the trainer's state is kept (snapshotDb.ts)
// as the worker posts it, so that a run reloaded, crashed or imported with its state resumes where it stopped.

import { create } from 'zustand';
import { validateRL, type RLConfig } from '../../rl/config';
import { groupLabel } from '../../rl/algorithms/table';
import type { PromptRecord, StepMetrics } from '../../rl/types';
import { base64ToBytes, bytesToBase64 } from '../../lib/base64url';
import { canonical, snapshotInfo } from '../../rl/snapshot';
import { checkSavedRun } from '../../rl/savedRun';
import { exportRun, type RunFile } from '../../rl/runFile';
import { RunPersister, restoreRuns, type KeptRun } from './runPersistence';
import { StorageClient } from '../storageClient';
import { encodeShare } from '../share/urlCodec';
import { stateChecksum, type BackendKind, type FromWorker } from '../../worker/protocol';
import { TrainerClient } from '../trainerClient';
import { acquireRun, heldRuns } from './runLock';
import { useDraftStore } from './draftStore';
import {
  deleteSnapshot,
  getSnapshot,
  listSnapshots,
  putSnapshot,
  type SnapshotEntry,
  type StateToKeep,
} from './snapshotDb';

type RunStatus = 'loading' | 'ready' | 'running' | 'paused' | 'done' | 'stopped' | 'error' | 'imported' | 'restored';

export interface Run {
  id: number;
  /** Stable over reloads: names the run's kept state and its lock. */
  uid: string;
  label: string;
  backend: BackendKind;
  config: RLConfig;
  metrics: StepMetrics[];
  records: PromptRecord[];
  status: RunStatus;
  step: number;
  error: string | null;
  /** The step of the trainer state kept for this run (IndexedDB), or null. */
  keptStep: number | null;
  /** Another tab owns this run: this one neither resumes it nor writes its state. */
  elsewhere?: boolean;
}

/** How the trainer's state is kept: every so many steps (and on pause and stop), within a byte budget. */
export interface KeepSettings {
  every: number;
  budgetMB: number;
}

interface Store {
  runs: Run[];
  liveId: number | null;
  selectedRunId: number | null;
  selectedStep: number | null;
  selectedPrompt: number;
  load: { loaded: number; total: number | null } | null;
  /** What the live run's worker is doing now (loading, sampling, update, held-out), for the status line. */
  phase: string | null;
  /** Configs to run after the live one, in order (the teaching comparison's "all three"). */
  queue: RLConfig[];
  /** The configs of the comparison last started with startQueue, in order: its progress stays shown after it ends. */
  comparison: RLConfig[] | null;
  notices: string[];
  keep: KeepSettings;
  /** The states kept in IndexedDB, oldest first. */
  kept: SnapshotEntry[];
  /** Why no state can be kept here (no IndexedDB, a full quota), or null. */
  storageError: string | null;
  /** Runs whose last change was not saved for a reload, by uid: why (a full quota). Their export still works. */
  unsaved: Record<string, string>;
  /** The saved runs have been read back (and the kept states listed): until then a row's resume state is unknown. */
  restored: boolean;
  setKeep(k: Partial<KeepSettings>): void;
  /** Continues a run from its kept state: the steps after it are re-run, identically. */
  resume(id: number): Promise<void>;
  deleteKept(uid: string): Promise<void>;
  refreshKept(): Promise<void>;
  /** The run file with the trainer's kept state inside. */
  exportRunWithState(id: number): Promise<string>;
  start(): void;
  /** Replaces the draft with `config` and starts it (the teaching panel's presets). */
  startWith(config: RLConfig): void;
  /** Runs the configs one after another, each a run of its own. */
  startQueue(configs: RLConfig[]): void;
  /** Adds finished runs (the committed experiment) beside the others, as imported runs. */
  addRuns(runs: { label: string; config: RLConfig; metrics: StepMetrics[]; records: PromptRecord[] }[]): void;
  pause(): void;
  stepOnce(): void;
  /** Ends the live run; it stays on the charts. */
  stop(): void;
  /** Removes a run (the live one is stopped first). */
  deleteRun(id: number): void;
  renameRun(id: number, label: string): void;
  /** A share link of this run's own config and seed. */
  runLink(id: number): string;
  select(runId: number | null, step: number | null, prompt?: number): void;
  exportRun(id: number): string;
  /** Reads and checks a run file in the storage worker, then lists it; a bad file is a notice. */
  importRun(text: string): Promise<void>;
  dismissNotice(i: number): void;
  /**
   * A run beside the live one, on a worker of its own (the comparison pool, comparisonPool.ts): listed, locked and
   * kept for a reload as any run. `onMessage` hears its worker's messages (but its steps) once the store has taken
   * them, so the run's status is already theirs; the caller sends it `run`, and ends it with endBeside.
   */
  startBeside(config: RLConfig, backend: BackendKind, onMessage: (m: FromWorker) => void): Beside;
  /** A run beside the live one continued from its kept state; null without one, or when another tab owns it. */
  resumeBeside(id: number, onMessage: (m: FromWorker) => void): Promise<Beside | null>;
  /** Ends a run beside: its worker keeps its state and stops; the run stays listed (stopped, unless it finished). */
  endBeside(id: number): void;
}

/** A run beside the live one: its id in the list, and its worker, for `run`. */
interface Beside {
  id: number;
  uid: string;
  client: Pick<TrainerClient, 'send'>;
}

let client: TrainerClient | null = null;
let nextId = 1;
let pendingAction: 'run' | 'step' | null = null;
/** Runs beside the live one (startBeside), their workers by run id. */
const beside = new Map<number, TrainerClient>();
/** Who drives each worker beside: told of its messages after the store took them. */
const besideHooks = new Map<TrainerClient, (m: FromWorker) => void>();
/** Runs beside resumed from a kept state: cut back to that step once their trainer is ready. */
const besideResume = new Map<number, number>();

/** algorithm, sizes, seed, backend; a second run with the same label gets " #2". */
function runLabel(c: RLConfig, backend: BackendKind, taken: readonly string[]): string {
  const base = `${c.algo} ${groupLabel(c)} P${c.batchPrompts} seed ${c.seed} ${backend === 'cpu' ? 'CPU' : backend === 'wasm' ? 'wasm' : 'WebGPU'}`;
  if (!taken.includes(base)) return base;
  let n = 2;
  while (taken.includes(`${base} #${n}`)) n++;
  return `${base} #${n}`;
}

const SAVED_KEEP = 'mirl-playground-keep';
/** The least time between two batches of the workers' messages. */
const INBOX_MS = 100;
const DEFAULT_KEEP: KeepSettings = { every: 5, budgetMB: 64 };

const newUid = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;

function loadKeep(): KeepSettings {
  try {
    const k = JSON.parse(
      (typeof localStorage !== 'undefined' && localStorage.getItem(SAVED_KEEP)) || '{}',
    ) as Partial<KeepSettings>;
    return {
      every: validEvery(k.every) ? k.every! : DEFAULT_KEEP.every,
      budgetMB: validBudget(k.budgetMB) ? k.budgetMB! : DEFAULT_KEEP.budgetMB,
    };
  } catch {
    return { ...DEFAULT_KEEP };
  }
}
const validEvery = (n: unknown): boolean => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 1000;
const validBudget = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n >= 4 && n <= 4096;

/** Lock releases of the runs this tab owns, by uid. */
const owned = new Map<string, () => void>();
const release = (uid: string) => {
  owned.get(uid)?.();
  owned.delete(uid);
};
/** A resume waiting for its worker: its metrics are cut back to the kept step once the trainer is ready. */
let pendingResume: { id: number; step: number } | null = null;
/** Runs resumed by themselves after a worker crash, so that a crash loop stops. */
const autoResumed = new Set<string>();

export const useRunStore = create<Store>()((set, get) => {
  const patchRun = (id: number, f: (r: Run) => Partial<Run>) =>
    set((s) => ({ runs: s.runs.map((r) => (r.id === id ? { ...r, ...f(r) } : r)) }));
  const patchLive = (f: (r: Run) => Partial<Run>) => {
    const id = get().liveId;
    if (id !== null) patchRun(id, f);
  };
  const notice = (text: string) => set((s) => ({ notices: [...s.notices, text] }));
  /** Metrics and records of the steps before `step` only: what a resume from `step` keeps. */
  const cutTo = (r: Run, step: number): Partial<Run> => ({
    metrics: r.metrics.filter((x) => x.step < step),
    records: r.records.filter((x) => x.step < step),
    step,
  });

  /** The worker's state as it sent it (checksummed there) goes to IndexedDB, within the budget. */
  const keepState = async (id: number, state: StateToKeep) => {
    const { step } = state;
    const r = get().runs.find((x) => x.id === id);
    if (!r || r.elsewhere) return;
    try {
      const pruned = await putSnapshot(r.uid, r.label, state, get().keep.budgetMB * 2 ** 20);
      patchRun(id, () => ({ keptStep: step }));
      if (pruned.length) {
        const gone = new Set(pruned.map((p) => p.uid));
        set((s) => ({ runs: s.runs.map((x) => (gone.has(x.uid) ? { ...x, keptStep: null } : x)) }));
        notice(
          `kept states pruned to the ${get().keep.budgetMB} MB budget: ${pruned.map((p) => `${p.label} (step ${p.step})`).join(', ')}`,
        );
      }
      if (get().storageError) set({ storageError: null });
    } catch (e) {
      const msg = (e as Error).message;
      // said once, where the runs are; the run goes on, and its older kept state (if any) stays
      if (get().storageError !== msg) set({ storageError: msg });
    }
    void get().refreshKept();
  };

  /**
   * Before a resume: the run's lock (unless this tab holds it already), then its kept state read and checked whole.
   * The bytes, or null: another tab owns the run (marked so, and `elsewhere` told), or the state cannot be used (the
   * run says why, and the lock is let go).
   */
  const lockedState = async (r: Run, elsewhere?: () => void): Promise<Uint8Array | null> => {
    if (!owned.has(r.uid)) {
      const rel = await acquireRun(r.uid);
      if (!rel) {
        patchRun(r.id, () => ({ elsewhere: true }));
        elsewhere?.();
        return null;
      }
      owned.set(r.uid, rel);
    }
    try {
      return (await getSnapshot(r.uid)).bytes;
    } catch (e) {
      patchRun(r.id, () => ({ error: `could not resume: ${(e as Error).message}` }));
      release(r.uid);
      return null;
    }
  };

  /** A run file's state goes to IndexedDB, checked first; a bad one costs only itself, never the run's curves. */
  const importState = async (
    id: number,
    uid: string,
    label: string,
    config: RLConfig,
    snap: { step: number; data: string },
  ) => {
    let bytes: Uint8Array;
    let step: number;
    try {
      bytes = base64ToBytes(snap.data);
      const info = snapshotInfo(bytes);
      if (info.step !== snap.step)
        throw new Error(`the file says step ${snap.step}, the state holds step ${info.step}`);
      if (canonical(info.config) !== canonical(config))
        throw new Error("the state is of another config than the run's");
      step = info.step;
    } catch (e) {
      patchRun(id, () => ({ error: `its curves were imported, its trainer state was not: ${(e as Error).message}` }));
      return;
    }
    try {
      // a file's state is checksummed here, once: it did not come from this page's worker
      await putSnapshot(uid, label, { step, bytes, checksum: stateChecksum(bytes) }, get().keep.budgetMB * 2 ** 20);
      patchRun(id, () => ({ keptStep: step }));
    } catch (e) {
      patchRun(id, () => ({
        error: `its curves were imported, its trainer state was not kept: ${(e as Error).message}`,
      }));
    }
    await get().refreshKept();
  };

  // The worker's messages are taken in batches, at most every INBOX_MS: a run of small steps (ten a second) costs the
  // page one update of the store, and one render, per batch, not one per message. Steps of one run in a row are
  // appended together.
  const inbox: { id: number; from: TrainerClient; m: FromWorker }[] = [];
  /** Workers told to stop, by client (its end), and by run (until it has ended); a run's last state being written. */
  const stopping = new Map<TrainerClient, () => void>();
  const ending = new Map<number, Promise<void>>();
  const keeping = new Map<number, Promise<void>>();
  let inboxTimer: ReturnType<typeof setTimeout> | null = null;
  let lastFlush = 0;
  const deliver = (id: number, from: TrainerClient, m: FromWorker) => {
    inbox.push({ id, from, m });
    if (inboxTimer === null) inboxTimer = setTimeout(flushInbox, Math.max(0, lastFlush + INBOX_MS - performance.now()));
  };
  const flushInbox = () => {
    inboxTimer = null;
    lastFlush = performance.now();
    const batch = inbox.splice(0);
    for (let i = 0; i < batch.length; i++) {
      const { id, from, m } = batch[i];
      if (m.type !== 'step') {
        onMessage(id, from, m);
        besideHooks.get(from)?.(m);
        continue;
      }
      const reports = [m.report];
      while (i + 1 < batch.length && batch[i + 1].id === id && batch[i + 1].m.type === 'step')
        reports.push((batch[++i].m as Extract<FromWorker, { type: 'step' }>).report);
      patchRun(id, (r) => ({
        metrics: [...r.metrics, ...reports.map((x) => x.metrics)],
        records: [...r.records, ...reports.flatMap((x) => x.records)],
        step: reports[reports.length - 1].metrics.step + 1,
      }));
    }
  };

  const onMessage = (id: number, from: TrainerClient, m: FromWorker) => {
    const isLive = get().liveId === id;
    switch (m.type) {
      case 'progress':
        if (isLive) set({ load: { loaded: m.loaded, total: m.total }, phase: 'loading the checkpoint' });
        break;
      case 'phase':
        if (isLive) set({ phase: m.phase });
        break;
      case 'ready':
        if (besideResume.has(id)) {
          const step = besideResume.get(id)!;
          besideResume.delete(id);
          patchRun(id, (r) => ({ ...cutTo(r, step), status: 'ready', error: null }));
          break;
        }
        if (beside.has(id)) {
          patchRun(id, () => ({ status: 'ready' }));
          break;
        }
        set({ load: null });
        if (pendingResume?.id === id) {
          const step = pendingResume.step;
          patchRun(id, (r) => ({ ...cutTo(r, step), status: 'ready', error: null }));
          pendingResume = null;
        } else patchRun(id, () => ({ status: 'ready' }));
        if (pendingAction && isLive) from.send(pendingAction === 'run' ? { type: 'run' } : { type: 'step' });
        pendingAction = null;
        break;
      case 'step':
        patchRun(id, (r) => ({
          metrics: [...r.metrics, m.report.metrics],
          records: [...r.records, ...m.report.records],
          step: m.report.metrics.step + 1,
        }));
        break;
      case 'state': {
        if (!isLive && !beside.has(id)) break;
        patchRun(id, (r) => ({
          status: m.running ? 'running' : r.status === 'error' ? 'error' : m.step >= r.config.steps ? 'done' : 'paused',
          step: m.step,
        }));
        if (!isLive) break;
        if (!m.running) set({ phase: null });
        const s = get();
        const live = s.runs.find((r) => r.id === id);
        // the next run of a queue starts when the last one finishes its steps
        if (live?.status === 'done' && s.queue.length) {
          const [next, ...rest] = s.queue;
          set({ queue: rest });
          s.startWith(next);
        }
        break;
      }
      case 'snapshot':
        keeping.set(id, keepState(id, m));
        break;
      case 'stopped':
        if (stopping.has(from)) stopping.get(from)!();
        else from.terminate();
        break;
      case 'recovered':
        // the steps after the state it recovered from are run again: their first reports go
        patchRun(id, (r) => cutTo(r, m.step));
        notice(m.message);
        break;
      case 'error': {
        if (!m.fatal) {
          notice(m.message);
          break;
        }
        // a fatal error is the run's status (shown once, there); the download bar goes with it
        const r = get().runs.find((x) => x.id === id);
        if (beside.has(id) || besideResume.has(id)) {
          // the pool that drives it moves on; a resume that failed keeps what the run had
          const resumed = besideResume.delete(id);
          patchRun(id, () =>
            resumed
              ? { status: 'restored', error: `could not resume: ${m.message}` }
              : { status: 'error', error: m.message },
          );
          break;
        }
        if (isLive) set({ load: null, queue: [], phase: null });
        if (pendingResume?.id === id) {
          // a resume that could not start: the run keeps everything it had
          pendingResume = null;
          patchRun(id, () => ({ status: 'restored', error: `could not resume: ${m.message}` }));
          if (isLive) {
            set({ liveId: null });
            client = null;
          }
          from.terminate();
          break;
        }
        patchRun(id, () => ({ status: 'error', error: m.message }));
        // a crashed worker: the run continues from its kept state, once
        if (m.crashed && r && r.keptStep !== null && !autoResumed.has(r.uid)) {
          autoResumed.add(r.uid);
          notice(`${m.message}; resuming ${r.label} from its state kept at step ${r.keptStep}`);
          void get().resume(id);
        }
        break;
      }
    }
  };

  const newClient = (
    id: number,
    config: RLConfig,
    backend: BackendKind,
    snapshot?: Uint8Array,
    hook?: (m: FromWorker) => void,
  ): TrainerClient => {
    const c: TrainerClient = new TrainerClient(
      config,
      backend,
      { onMessage: (m) => deliver(id, c, m) },
      { snapshotEvery: get().keep.every, snapshot },
    );
    if (hook) besideHooks.set(c, hook);
    return c;
  };

  /**
   * Ends the live worker: it keeps its state first when idle, and is ended when it says so (or after a while). Until
   * then its last step and state still come in; a resume of its run waits for that (`ending`), so that two workers'
   * steps never mix in one run.
   */
  const endClient = () => {
    const c = client;
    const id = get().liveId;
    client = null;
    if (!c) return;
    let done = () => {};
    const ended = new Promise<void>((resolve) => (done = resolve));
    if (id !== null) ending.set(id, ended);
    const finish = () => {
      c.terminate();
      stopping.delete(c);
      if (id !== null && ending.get(id) === ended) ending.delete(id);
      done();
    };
    stopping.set(c, finish);
    c.send({ type: 'stop' });
    setTimeout(finish, 5000);
  };

  const ensureLive = (action: 'run' | 'step') => {
    const s = get();
    // the run to start is the draft, on the chosen backend (draftStore)
    const { draft, backend } = useDraftStore.getState();
    const live = s.runs.find((r) => r.id === s.liveId);
    // A paused run resumes only with its own config; after an edit, Start begins a
    // new run beside it (the old one stays on the charts, stopped).
    const edited = live !== undefined && JSON.stringify(live.config) !== JSON.stringify(draft);
    if (live && client && (live.status === 'paused' || live.status === 'ready') && !edited) {
      client.send(action === 'run' ? { type: 'run' } : { type: 'step' });
      return;
    }
    if (live && (live.status === 'running' || live.status === 'loading')) return;
    const errors = validateRL(draft);
    if (Object.keys(errors).length) {
      useDraftStore.setState({ fieldErrors: errors });
      return;
    }
    endClient();
    if (live && (live.status === 'paused' || live.status === 'ready')) patchLive(() => ({ status: 'stopped' }));
    if (live) release(live.uid);
    const id = nextId++;
    const run: Run = {
      id,
      uid: newUid(),
      backend,
      keptStep: null,
      label: runLabel(
        draft,
        backend,
        s.runs.map((r) => r.label),
      ),
      config: draft,
      metrics: [],
      records: [],
      status: 'loading',
      step: 0,
      error: null,
    };
    set((st) => ({
      runs: [...st.runs, run],
      liveId: id,
      selectedRunId: id,
      selectedStep: null,
      load: { loaded: 0, total: null },
    }));
    pendingAction = action;
    // a new run's lock is free: taken so that another tab sees this one owns it
    void acquireRun(run.uid).then((rel) => rel && owned.set(run.uid, rel));
    client = newClient(id, draft, backend);
  };

  return {
    runs: [],
    liveId: null,
    selectedRunId: null,
    selectedStep: null,
    selectedPrompt: 0,
    load: null,
    phase: null,
    queue: [],
    comparison: null,
    notices: [],
    keep: loadKeep(),
    kept: [],
    storageError: null,
    unsaved: {},
    restored: false,
    setKeep(k) {
      const next = { ...get().keep, ...k };
      if (!validEvery(next.every) || !validBudget(next.budgetMB)) return;
      set({ keep: next });
      try {
        localStorage.setItem(SAVED_KEEP, JSON.stringify(next));
      } catch {
        /* the settings apply to this tab */
      }
    },
    async refreshKept() {
      try {
        const kept = await listSnapshots();
        const byUid = new Map(kept.map((e) => [e.uid, e.step]));
        set((s) => ({
          kept,
          runs: s.runs.map((r) => (r.keptStep !== null && !byUid.has(r.uid) ? { ...r, keptStep: null } : r)),
        }));
      } catch (e) {
        set({ kept: [], storageError: (e as Error).message });
      }
    },
    async resume(id) {
      // a worker of this run still stopping: its last steps and state come in first, and the resume takes that state
      await ending.get(id);
      await keeping.get(id)?.catch(() => undefined);
      const s = get();
      const r = s.runs.find((x) => x.id === id);
      if (!r || r.keptStep === null) return;
      if (s.liveId === id && client) return;
      // a run the comparison pool drives is training already, on its own worker
      if (beside.has(id)) return;
      const bytes = await lockedState(r, () =>
        notice(`${r.label} is open in another tab, which owns it: this tab does not resume it or write its state`),
      );
      if (!bytes) return;
      // the live run (another one) stops, keeping its own state
      const live = get().runs.find((x) => x.id === get().liveId);
      if (live && live.id !== id) get().stop();
      useDraftStore.setState({ draft: r.config, fieldErrors: {}, backend: r.backend });
      set({ liveId: id, selectedRunId: id, selectedStep: null, load: { loaded: 0, total: null } });
      patchRun(id, () => ({ status: 'loading', elsewhere: false }));
      pendingResume = { id, step: r.keptStep };
      pendingAction = 'run';
      client = newClient(id, r.config, r.backend, bytes);
    },
    async deleteKept(uid) {
      try {
        await deleteSnapshot(uid);
        set((s) => ({ runs: s.runs.map((r) => (r.uid === uid ? { ...r, keptStep: null } : r)) }));
      } catch (e) {
        notice((e as Error).message);
      }
      await get().refreshKept();
    },
    async exportRunWithState(id) {
      const r = get().runs.find((x) => x.id === id);
      if (!r) throw new Error(`no run ${id}`);
      if (r.keptStep === null) throw new Error(`${r.label} has no kept state`);
      const { entry, bytes } = await getSnapshot(r.uid);
      // the curves up to the kept step: what a resume elsewhere continues from
      const cut = cutTo(r, entry.step);
      return exportRun(r.label, r.config, cut.metrics!, cut.records!, { step: entry.step, data: bytesToBase64(bytes) });
    },
    start() {
      ensureLive('run');
    },
    startWith(config) {
      useDraftStore.getState().setDraft(config);
      ensureLive('run');
    },
    startQueue(configs) {
      if (!configs.length) return;
      set({ queue: configs.slice(1), comparison: configs });
      get().startWith(configs[0]);
    },
    addRuns(added) {
      set((s) => ({
        runs: [
          ...s.runs,
          ...added.map((r) => ({
            id: nextId++,
            uid: newUid(),
            backend: 'cpu' as const,
            keptStep: null,
            label: r.label,
            config: r.config,
            metrics: r.metrics,
            records: r.records,
            status: 'imported' as const,
            step: r.metrics.length,
            error: null,
          })),
        ],
      }));
    },
    pause() {
      client?.send({ type: 'pause' });
    },
    stepOnce() {
      ensureLive('step');
    },
    stop() {
      endClient();
      pendingAction = null;
      if (pendingResume?.id === get().liveId) {
        // a resume stopped before it started: the run is as it was
        patchLive(() => ({ status: 'restored' }));
        pendingResume = null;
      } else patchLive((r) => ({ status: r.status === 'done' || r.status === 'error' ? r.status : 'stopped' }));
      const live = get().runs.find((r) => r.id === get().liveId);
      if (live) release(live.uid);
      set({ liveId: null, load: null, queue: [], phase: null });
    },
    deleteRun(id) {
      if (id === get().liveId) get().stop();
      if (beside.has(id)) get().endBeside(id);
      const r = get().runs.find((x) => x.id === id);
      set((s) => ({
        runs: s.runs.filter((x) => x.id !== id),
        ...(s.selectedRunId === id ? { selectedRunId: null, selectedStep: null } : {}),
      }));
      // its kept state goes with it (not another tab's)
      if (r?.keptStep !== null && r && !r.elsewhere) void get().deleteKept(r.uid);
    },
    renameRun(id, label) {
      // a run file's label holds 200 characters: the page keeps to that, so its export imports
      const l = label.trim().slice(0, 200);
      if (l) set((s) => ({ runs: s.runs.map((r) => (r.id === id ? { ...r, label: l } : r)) }));
    },
    runLink(id) {
      const r = get().runs.find((x) => x.id === id);
      if (!r) throw new Error(`no run ${id}`);
      return `${location.origin}${location.pathname}${encodeShare(r.config)}`;
    },
    select(runId, step, prompt) {
      set((s) => ({ selectedRunId: runId, selectedStep: step, selectedPrompt: prompt ?? s.selectedPrompt }));
    },
    exportRun(id) {
      const r = get().runs.find((x) => x.id === id);
      if (!r) throw new Error(`no run ${id}`);
      return exportRun(r.label, r.config, r.metrics, r.records);
    },
    async importRun(text) {
      let f: RunFile;
      try {
        f = await storage.parseRunFile(text);
      } catch (e) {
        notice(`import failed: ${(e as Error).message}`);
        return;
      }
      const id = nextId++;
      const uid = newUid();
      const label = `${f.label.slice(0, 200 - ' (imported)'.length)} (imported)`;
      set((s) => ({
        runs: [
          ...s.runs,
          {
            id,
            uid,
            backend: useDraftStore.getState().backend,
            keptStep: null,
            label,
            config: f.config,
            metrics: f.metrics,
            records: f.records,
            status: 'imported',
            step: f.metrics.length,
            error: null,
          },
        ],
        selectedRunId: id,
        selectedStep: null,
      }));
      if (f.snapshot) void importState(id, uid, label, f.config, f.snapshot);
    },
    dismissNotice(i) {
      set((s) => ({ notices: s.notices.filter((_, j) => j !== i) }));
    },
    startBeside(config, backend, hook) {
      const id = nextId++;
      const run: Run = {
        id,
        uid: newUid(),
        backend,
        keptStep: null,
        label: runLabel(
          config,
          backend,
          get().runs.map((r) => r.label),
        ),
        config,
        metrics: [],
        records: [],
        status: 'loading',
        step: 0,
        error: null,
      };
      set((st) => ({ runs: [...st.runs, run] }));
      void acquireRun(run.uid).then((rel) => rel && owned.set(run.uid, rel));
      const c = newClient(id, config, backend, undefined, hook);
      beside.set(id, c);
      return { id, uid: run.uid, client: c };
    },
    async resumeBeside(id, hook) {
      const r = get().runs.find((x) => x.id === id);
      if (!r || r.keptStep === null || beside.has(id) || get().liveId === id) return null;
      const bytes = await lockedState(r);
      if (!bytes) return null;
      patchRun(id, () => ({ status: 'loading', elsewhere: false }));
      besideResume.set(id, r.keptStep);
      const c = newClient(id, r.config, r.backend, bytes, hook);
      beside.set(id, c);
      return { id, uid: r.uid, client: c };
    },
    endBeside(id) {
      const c = beside.get(id);
      if (!c) return;
      beside.delete(id);
      besideHooks.delete(c);
      c.send({ type: 'stop' });
      setTimeout(() => c.terminate(), 5000);
      if (besideResume.delete(id)) patchRun(id, () => ({ status: 'restored' }));
      else patchRun(id, (r) => ({ status: r.status === 'done' || r.status === 'error' ? r.status : 'stopped' }));
      const r = get().runs.find((x) => x.id === id);
      if (r) release(r.uid);
    },
  };
});

const storage = new StorageClient();
const persister = new RunPersister(storage, {
  failed(run, error) {
    const st = useRunStore.getState();
    if (st.unsaved[run.uid] === error.message) return;
    const why = error.quota ? "the browser's storage for this page is full" : error.message;
    useRunStore.setState((s) => ({
      unsaved: { ...s.unsaved, [run.uid]: why },
      // said once per run, with the way to keep it: its export (the row's button)
      notices: s.unsaved[run.uid]
        ? s.notices
        : [
            ...s.notices,
            `"${run.label}" was not saved for a reload (${why}); the runs saved before are intact. Export it with its row's JSON button to keep it, or delete other runs to make room.`,
          ],
    }));
  },
  saved(run) {
    useRunStore.setState((s) => {
      const { [run.uid]: _gone, ...rest } = s.unsaved;
      return { unsaved: rest };
    });
  },
});

const SAVED_RUNS = 'mirl-playground-runs';
const SAVED_UNREADABLE = 'mirl-playground-runs-unreadable';

/**
 * Runs saved by pages before IndexedDB kept them (one list in localStorage), each checked as an imported file is.
 * They go to IndexedDB through the persister; the list leaves localStorage once they are written. One that fails its
 * check is moved, as it was, under SAVED_UNREADABLE and named.
 */
function legacyRuns(): { runs: KeptRun[]; notices: string[]; clear: () => void } {
  const none = { runs: [], notices: [], clear: () => {} };
  let raw: string | null;
  try {
    raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(SAVED_RUNS);
  } catch {
    return none;
  }
  if (raw === null) return none;
  const clear = () => {
    try {
      localStorage.removeItem(SAVED_RUNS);
    } catch {
      /* it is read again next time, and written again then */
    }
  };
  const aside = (entries: unknown[]): boolean => {
    try {
      const prev = localStorage.getItem(SAVED_UNREADABLE);
      let list: unknown[] = [];
      if (prev !== null) {
        try {
          const p = JSON.parse(prev) as unknown;
          list = Array.isArray(p) ? p : [p];
        } catch {
          list = [prev];
        }
      }
      localStorage.setItem(SAVED_UNREADABLE, JSON.stringify([...list, ...entries]));
      return true;
    } catch {
      return false;
    }
  };
  let entries: unknown;
  try {
    entries = JSON.parse(raw);
  } catch (e) {
    const moved = aside([raw]);
    return {
      runs: [],
      notices: [
        `the saved runs could not be read (${(e as Error).message})${moved ? `; they are kept aside under localStorage ${SAVED_UNREADABLE}` : ''}`,
      ],
      clear: moved ? clear : () => {},
    };
  }
  const list = Array.isArray(entries) ? entries : [entries];
  const runs: KeptRun[] = [];
  const notices: string[] = [];
  const bad: unknown[] = [];
  const seen = new Set<number>();
  list.forEach((entry, i) => {
    const r = checkSavedRun(entry);
    const dup = !(r instanceof Error) && seen.has(r.id);
    if (r instanceof Error || dup) {
      const label = (entry as { label?: unknown })?.label;
      notices.push(
        `saved run ${typeof label === 'string' ? `"${label}"` : `#${i + 1}`} was not restored: ${dup ? 'its id repeats another' : (r as Error).message}; it is kept aside under localStorage ${SAVED_UNREADABLE}`,
      );
      bad.push(entry);
      return;
    }
    seen.add(r.id);
    runs.push({ ...r, uid: r.uid ?? newUid() });
  });
  // the list goes only when what failed is safe aside
  const moved = bad.length === 0 || aside(bad);
  return { runs, notices, clear: moved ? clear : () => {} };
}

const RESTORABLE = ['done', 'stopped', 'error', 'imported', 'restored'] as const;

/** A kept run as the page shows it: one that was live when the page went is 'restored' (its trainer is gone). */
function asRun(r: KeptRun): Run {
  const status = RESTORABLE.find((x) => x === r.status) ?? 'restored';
  // older pages stored the resume note as the run's error: the row now says it from what is kept
  const error = r.error?.startsWith('restored after a reload:') ? null : r.error;
  return { ...r, config: r.config as RLConfig, status, error, keptStep: null };
}

/** On a load: the runs from IndexedDB (and any an older page left in localStorage), then which can resume. */
async function restore(): Promise<void> {
  const legacy = legacyRuns();
  let found: KeptRun[] = [];
  const notices: string[] = [...legacy.notices];
  try {
    const r = await restoreRuns(storage);
    found = r.runs;
    notices.push(...r.notices);
  } catch (e) {
    notices.push(`the saved runs could not be read: ${(e as Error).message}`);
  }
  const byUid = new Set(found.map((r) => r.uid));
  const runs = found.map(asRun);
  // adopted as written: the persister writes them again only when they change
  for (const r of runs) persister.adopt(r);
  const migrated = legacy.runs.filter((r) => !byUid.has(r.uid)).map(asRun);
  useRunStore.setState((s) => {
    // runs started or imported before the load finished keep their place after the kept ones, and ids stay unique
    const all = [...runs, ...migrated];
    const taken = new Set(all.map((r) => r.id));
    const fresh = s.runs.map((r) => (taken.has(r.id) ? { ...r, id: Math.max(...taken, nextId) + 1 } : r));
    nextId = Math.max(nextId, ...[...all, ...fresh].map((r) => r.id + 1));
    return {
      runs: [...all, ...fresh],
      liveId: fresh.find((r) => r.id === s.liveId)?.id ?? s.liveId,
      notices: [...notices, ...s.notices],
    };
  });
  if (migrated.length) {
    await persister.flushed();
    if (!migrated.some((r) => useRunStore.getState().unsaved[r.uid])) legacy.clear();
  }
  await markResumable();
  useRunStore.setState({ restored: true });
}

// After a reload: which runs have a kept state (they can resume), and which another tab owns.
async function markResumable(): Promise<void> {
  const st = useRunStore.getState();
  await st.refreshKept();
  const kept = new Map(useRunStore.getState().kept.map((e) => [e.uid, e.step]));
  if (!kept.size) return;
  const elsewhere = await heldRuns([...kept.keys()]).catch(() => new Set<string>());
  useRunStore.setState((s) => ({
    runs: s.runs.map((r) => {
      const step = kept.get(r.uid);
      if (step === undefined || s.liveId === r.id) return r;
      return { ...r, keptStep: step, ...(elsewhere.has(r.uid) ? { elsewhere: true } : {}) };
    }),
  }));
}
if (typeof window !== 'undefined') {
  useRunStore.subscribe((s, prev) => {
    if (s.runs !== prev.runs) persister.sync(s.runs);
  });
  void restore();
}
