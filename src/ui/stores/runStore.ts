// All UI state. Runs are kept side by side; the live one is fed by its worker.

import { create } from 'zustand';
import { DEFAULT_RL, validateRL, type RLConfig } from '../../rl/config';
import type { PromptRecord, StepMetrics } from '../../rl/types';
import { exportRun, importRun } from '../share/runFile';
import { decodeShare, encodeShare } from '../share/urlCodec';
import type { BackendKind, FromWorker } from '../../worker/protocol';
import { TrainerClient } from '../trainerClient';

type RunStatus = 'loading' | 'ready' | 'running' | 'paused' | 'done' | 'stopped' | 'error' | 'imported' | 'restored';

export interface Run {
  id: number;
  label: string;
  config: RLConfig;
  metrics: StepMetrics[];
  records: PromptRecord[];
  status: RunStatus;
  step: number;
  error: string | null;
}

interface Store {
  draft: RLConfig;
  fieldErrors: Record<string, string>;
  urlErrors: string[];
  backend: BackendKind;
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
  notices: string[];
  setField<K extends keyof RLConfig>(k: K, v: RLConfig[K]): void;
  setBackend(b: BackendKind): void;
  applyUrl(hash: string): boolean;
  shareUrl(): string;
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
  importRun(text: string): void;
  dismissNotice(i: number): void;
  dismissUrlErrors(): void;
}

let client: TrainerClient | null = null;
let nextId = 1;
let pendingAction: 'run' | 'step' | null = null;

/** algorithm, sizes, seed, backend; a second run with the same label gets " #2". */
function runLabel(c: RLConfig, backend: BackendKind, taken: readonly string[]): string {
  const base = `${c.algo}${c.algo === 'mirl' ? ` N${c.N} k${c.k}` : ` G${c.G}`} P${c.batchPrompts} seed ${c.seed} ${backend === 'cpu' ? 'CPU' : 'WebGPU'}`;
  if (!taken.includes(base)) return base;
  let n = 2;
  while (taken.includes(`${base} #${n}`)) n++;
  return `${base} #${n}`;
}

const SAVED_RUNS = 'mirl-playground-runs';

/** What a reload brings back: the runs on the charts (the trainer's weights are not kept). */
function loadSavedRuns(): Run[] {
  try {
    const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(SAVED_RUNS);
    if (!raw) return [];
    const runs = JSON.parse(raw) as Run[];
    if (!Array.isArray(runs)) return [];
    return runs.map((r) =>
      r.status === 'running' || r.status === 'paused' || r.status === 'loading' || r.status === 'ready'
        ? {
            ...r,
            status: 'restored' as const,
            error: "restored after a reload: the trainer's weights live in the tab and were lost with it, so this run cannot resume; Start begins a new run with its config",
          }
        : r,
    );
  } catch {
    return [];
  }
}

const savedRuns = loadSavedRuns();
nextId = savedRuns.reduce((m, r) => Math.max(m, r.id + 1), 1);

export const useRunStore = create<Store>((set, get) => {
  const patchLive = (f: (r: Run) => Partial<Run>) => set((s) => ({ runs: s.runs.map((r) => (r.id === s.liveId ? { ...r, ...f(r) } : r)) }));

  const onMessage = (m: FromWorker) => {
    switch (m.type) {
      case 'progress':
        set({ load: { loaded: m.loaded, total: m.total }, phase: 'loading the checkpoint' });
        break;
      case 'phase':
        set({ phase: m.phase });
        break;
      case 'ready':
        set({ load: null });
        patchLive(() => ({ status: 'ready' }));
        if (pendingAction) client?.send(pendingAction === 'run' ? { type: 'run' } : { type: 'step' });
        pendingAction = null;
        break;
      case 'step':
        patchLive((r) => ({ metrics: [...r.metrics, m.report.metrics], records: [...r.records, ...m.report.records], step: m.report.metrics.step + 1 }));
        break;
      case 'state': {
        patchLive((r) => ({ status: m.running ? 'running' : r.status === 'error' ? 'error' : m.step >= r.config.steps ? 'done' : 'paused', step: m.step }));
        if (!m.running) set({ phase: null });
        const s = get();
        const live = s.runs.find((r) => r.id === s.liveId);
        // the next run of a queue starts when the last one finishes its steps
        if (live?.status === 'done' && s.queue.length) {
          const [next, ...rest] = s.queue;
          set({ queue: rest });
          s.startWith(next);
        }
        break;
      }
      case 'recovered':
        set((s) => ({ notices: [...s.notices, m.message] }));
        break;
      case 'error':
        // a fatal error is the run's status (shown once, there); the download bar goes with it
        if (m.fatal) {
          set({ load: null, queue: [], phase: null });
          patchLive(() => ({ status: 'error', error: m.message }));
        } else set((s) => ({ notices: [...s.notices, m.message] }));
        break;
    }
  };

  const ensureLive = (action: 'run' | 'step') => {
    const s = get();
    const live = s.runs.find((r) => r.id === s.liveId);
    // A paused run resumes only with its own config; after an edit, Start begins a
    // new run beside it (the old one stays on the charts, stopped).
    const edited = live !== undefined && JSON.stringify(live.config) !== JSON.stringify(s.draft);
    if (live && client && (live.status === 'paused' || live.status === 'ready') && !edited) {
      client.send(action === 'run' ? { type: 'run' } : { type: 'step' });
      return;
    }
    if (live && (live.status === 'running' || live.status === 'loading')) return;
    const errors = validateRL(s.draft);
    if (Object.keys(errors).length) {
      set({ fieldErrors: errors });
      return;
    }
    client?.terminate();
    if (live && (live.status === 'paused' || live.status === 'ready')) patchLive(() => ({ status: 'stopped' }));
    const id = nextId++;
    const run: Run = {
      id,
      label: runLabel(
        s.draft,
        s.backend,
        s.runs.map((r) => r.label),
      ),
      config: s.draft,
      metrics: [],
      records: [],
      status: 'loading',
      step: 0,
      error: null,
    };
    set((st) => ({ runs: [...st.runs, run], liveId: id, selectedRunId: id, selectedStep: null, load: { loaded: 0, total: null } }));
    pendingAction = action;
    client = new TrainerClient(s.draft, s.backend, { onMessage });
  };

  return {
    draft: { ...DEFAULT_RL },
    fieldErrors: {},
    urlErrors: [],
    backend: 'webgpu',
    runs: savedRuns,
    liveId: null,
    selectedRunId: null,
    selectedStep: null,
    selectedPrompt: 0,
    load: null,
    phase: null,
    queue: [],
    notices: [],
    setField(k, v) {
      const draft = { ...get().draft, [k]: v };
      const fieldErrors = validateRL(draft);
      set({ draft, fieldErrors });
      // the address bar follows the config, so a reload keeps it (it does not restart a run)
      if (Object.keys(fieldErrors).length === 0 && typeof history !== 'undefined') history.replaceState(null, '', encodeShare(draft, false));
    },
    setBackend(b) {
      set({ backend: b });
    },
    applyUrl(hash) {
      const d = decodeShare(hash);
      set({ urlErrors: d.errors, ...(d.present && d.errors.length === 0 ? { draft: d.config, fieldErrors: {} } : {}) });
      // a link that starts a run starts it once: a reload keeps the config, not the start
      if (d.run && d.errors.length === 0 && typeof history !== 'undefined') history.replaceState(null, '', encodeShare(d.config, false));
      return d.run && d.errors.length === 0;
    },
    shareUrl() {
      return `${location.origin}${location.pathname}${encodeShare(get().draft)}`;
    },
    start() {
      ensureLive('run');
    },
    startWith(config) {
      set({ draft: config, fieldErrors: validateRL(config) });
      ensureLive('run');
    },
    startQueue(configs) {
      if (!configs.length) return;
      set({ queue: configs.slice(1) });
      get().startWith(configs[0]);
    },
    addRuns(added) {
      set((s) => ({
        runs: [
          ...s.runs,
          ...added.map((r) => ({
            id: nextId++,
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
      client?.terminate();
      client = null;
      pendingAction = null;
      patchLive((r) => ({ status: r.status === 'done' || r.status === 'error' ? r.status : 'stopped' }));
      set({ liveId: null, load: null, queue: [], phase: null });
    },
    deleteRun(id) {
      if (id === get().liveId) get().stop();
      set((s) => ({ runs: s.runs.filter((r) => r.id !== id), ...(s.selectedRunId === id ? { selectedRunId: null, selectedStep: null } : {}) }));
    },
    renameRun(id, label) {
      const l = label.trim();
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
    importRun(text) {
      try {
        const f = importRun(text);
        const id = nextId++;
        set((s) => ({
          runs: [
            ...s.runs,
            { id, label: `${f.label} (imported)`, config: f.config, metrics: f.metrics, records: f.records, status: 'imported', step: f.metrics.length, error: null },
          ],
          selectedRunId: id,
          selectedStep: null,
        }));
      } catch (e) {
        set((s) => ({ notices: [...s.notices, `import failed: ${(e as Error).message}`] }));
      }
    },
    dismissUrlErrors() {
      set({ urlErrors: [] });
    },
    dismissNotice(i) {
      set((s) => ({ notices: s.notices.filter((_, j) => j !== i) }));
    },
  };
});

// Runs survive a reload: saved (metrics, records, config, label) whenever they change.
// A full quota is said once, not thrown: the page goes on without saving.
// Saving is coalesced (at most once a second, and when the page is hidden): a step must not
// pay for serialising every run.
let saveWarned = false;
let saveTimer: ReturnType<typeof setTimeout> | null = null;
function saveRuns(): void {
  saveTimer = null;
  try {
    localStorage.setItem(SAVED_RUNS, JSON.stringify(useRunStore.getState().runs));
  } catch (e) {
    if (!saveWarned) useRunStore.setState((st) => ({ notices: [...st.notices, `runs are not saved for a reload: ${(e as Error).message}`] }));
    saveWarned = true;
  }
}
if (typeof localStorage !== 'undefined') {
  useRunStore.subscribe((s, prev) => {
    if (s.runs !== prev.runs && saveTimer === null) saveTimer = setTimeout(saveRuns, 1000);
  });
  addEventListener('pagehide', () => saveRuns());
}
