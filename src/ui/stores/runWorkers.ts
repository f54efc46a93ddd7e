// The run store's workers: the live run's (start, step, pause, stop, resume) and those of the runs beside it (the
// comparison pool's), their messages taken in batches into the runs, the locks of the runs this tab owns, and the
// queue of configs to run after the live one.

import { validateRL } from '../../rl/configValidation';
import type { RLConfig } from '../../rl/config';
import type { BackendKind, FromWorker } from '../../worker/protocol';
import { TrainerClient } from '../trainerClient';
import { acquireRun } from './runLock';
import { useDraftStore } from './draftStore';
import { getSnapshot } from './snapshotDb';
import { cutTo, newRun, type Run } from './run';
import type { snapshotKeeper } from './snapshotKeeper';
import type { Store, StoreParts } from './runStoreTypes';

/** The least time between two batches of the workers' messages. */
const INBOX_MS = 100;

type WorkerActions = Pick<
  Store,
  | 'start'
  | 'startWith'
  | 'startQueue'
  | 'pause'
  | 'stepOnce'
  | 'stop'
  | 'resume'
  | 'startBeside'
  | 'resumeBeside'
  | 'endBeside'
>;

export function runWorkers(
  { get, set, patchRun, notice, ids }: StoreParts,
  { keepState }: Pick<ReturnType<typeof snapshotKeeper>, 'keepState'>,
): WorkerActions {
  const patchLive = (f: (r: Run) => Partial<Run>) => {
    const id = get().liveId;
    if (id !== null) patchRun(id, f);
  };
  let client: TrainerClient | null = null;
  let pendingAction: 'run' | 'step' | null = null;
  /** Runs beside the live one (startBeside), their workers by run id. */
  const beside = new Map<number, TrainerClient>();
  /** Who drives each worker beside: told of its messages after the store took them. */
  const besideHooks = new Map<TrainerClient, (m: FromWorker) => void>();
  /** Runs beside resumed from a kept state: cut back to that step once their trainer is ready. */
  const besideResume = new Map<number, number>();
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
    const id = ids.next++;
    const run = newRun(id, draft, backend, s.runs);
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
    startBeside(config, backend, hook) {
      const id = ids.next++;
      const run = newRun(id, config, backend, get().runs);
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
}
