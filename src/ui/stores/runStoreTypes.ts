// The run store's shape, apart from the store, so that its parts (runWorkers, snapshotKeeper, runRestore) can name
// it without importing the store that is made of them.

import type { StoreApi } from 'zustand';
import type { RLConfig } from '../../rl/config';
import type { PromptRecord, StepMetrics } from '../../rl/types';
import type { BackendKind, FromWorker } from '../../worker/protocol';
import type { TrainerClient } from '../trainerClient';
import type { Run } from './run';
import type { SnapshotEntry } from './snapshotDb';

/** How the trainer's state is kept: every so many steps (and on pause and stop), within a byte budget. */
export interface KeepSettings {
  every: number;
  budgetMB: number;
}

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
