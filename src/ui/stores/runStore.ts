// The runs, side by side, as the page shows them: the list, the selection, the notices, and the store's actions,
// made of its parts: the workers that train the runs (runWorkers.ts), the kept trainer states (snapshotKeeper.ts) and
// the runs kept for a reload (runRestore.ts). The config being edited is draftStore's, a hub model hubStore's.

import { create, type StoreApi } from 'zustand';
import type { RLConfig } from '../../rl/config';
import type { PromptRecord, StepMetrics } from '../../rl/types';
import { exportRun, type RunFile } from '../../rl/runFile';
import { StorageClient } from '../storageClient';
import { encodeShare } from '../share/urlCodec';
import type { BackendKind, FromWorker } from '../../worker/protocol';
import type { TrainerClient } from '../trainerClient';
import { useDraftStore } from './draftStore';
import type { SnapshotEntry } from './snapshotDb';
import { newUid, type Run } from './run';
// the views read runs from the store: the type comes with it
export type { Run } from './run';
import { loadKeep, snapshotKeeper, type KeepSettings } from './snapshotKeeper';
import { runWorkers } from './runWorkers';
import { keepForReload } from './runRestore';

export interface Store {
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

/** What the store's parts share: the store, a run's change, a notice, and the next run id. */
export interface StoreParts {
  get: () => Store;
  set: StoreApi<Store>['setState'];
  patchRun(id: number, f: (r: Run) => Partial<Run>): void;
  notice(text: string): void;
  ids: { next: number };
}

const ids = { next: 1 };
const storage = new StorageClient();

export const useRunStore = create<Store>()((set, get) => {
  const patchRun = (id: number, f: (r: Run) => Partial<Run>) =>
    set((s) => ({ runs: s.runs.map((r) => (r.id === id ? { ...r, ...f(r) } : r)) }));
  const notice = (text: string) => set((s) => ({ notices: [...s.notices, text] }));
  const parts: StoreParts = { get, set, patchRun, notice, ids };
  const keeper = snapshotKeeper(parts);

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
    ...keeper.actions,
    ...runWorkers(parts, keeper),
    addRuns(added) {
      set((s) => ({
        runs: [
          ...s.runs,
          ...added.map((r) => ({
            id: ids.next++,
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
    deleteRun(id) {
      if (id === get().liveId) get().stop();
      get().endBeside(id); // nothing unless a worker beside trains it
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
      const id = ids.next++;
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
      if (f.snapshot) void keeper.importState(id, uid, label, f.config, f.snapshot);
    },
    dismissNotice(i) {
      set((s) => ({ notices: s.notices.filter((_, j) => j !== i) }));
    },
  };
});

keepForReload(useRunStore, storage, ids);
