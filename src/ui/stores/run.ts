// A run as the page lists it, and what the run store's parts (runStore.ts, runWorkers.ts, snapshotKeeper.ts,
// runRestore.ts) share to make and change one.

import type { RLConfig } from '../../rl/config';
import { groupLabel } from '../../rl/algorithms/table';
import type { PromptRecord, StepMetrics } from '../../rl/types';
import type { BackendKind } from '../../worker/protocol';

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

export const newUid = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;

/** algorithm, sizes, seed, backend; a second run with the same label gets " #2". */
function runLabel(c: RLConfig, backend: BackendKind, taken: readonly string[]): string {
  const base = `${c.algo} ${groupLabel(c)} P${c.batchPrompts} seed ${c.seed} ${backend === 'cpu' ? 'CPU' : backend === 'wasm' ? 'wasm' : 'WebGPU'}`;
  if (!taken.includes(base)) return base;
  let n = 2;
  while (taken.includes(`${base} #${n}`)) n++;
  return `${base} #${n}`;
}

/** A run about to train: loading, empty, labelled apart from the `others`. */
export function newRun(id: number, config: RLConfig, backend: BackendKind, others: readonly Run[]): Run {
  return {
    id,
    uid: newUid(),
    backend,
    keptStep: null,
    label: runLabel(
      config,
      backend,
      others.map((r) => r.label),
    ),
    config,
    metrics: [],
    records: [],
    status: 'loading',
    step: 0,
    error: null,
  };
}

/** Metrics and records of the steps before `step` only: what a resume from `step` keeps. */
export const cutTo = (r: Run, step: number): Pick<Run, 'metrics' | 'records' | 'step'> => ({
  metrics: r.metrics.filter((x) => x.step < step),
  records: r.records.filter((x) => x.step < step),
  step,
});
