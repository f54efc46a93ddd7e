// The teaching comparison: GRPO, MIRL and Perception-R1 (the core three), with RACRO, PEARL and VPPO
// beside them, on the same prompts, at the
// smallest size where the experiment in docs/research.md saw them separate (16 prompts x 60 steps,
// held-out 256 problems x 4 samples), and what its held-out figures let one say.

import type { HeldoutFigures } from '../model/evaluate';
import { DEFAULT_RL, type Algorithm, type RLConfig } from './config';
import type { BlindCounts, StepMetrics } from './types';

export interface Arm {
  algo: Algorithm;
  name: string;
  config: RLConfig;
  /** One of the core three that "Run all three" queues; the others are run one by one. */
  core: boolean;
}

/** The experiment's arms (scripts/experiments.sh), so the committed runs are these runs. */
export function comparisonArms(seed = 1): Arm[] {
  const base = { ...DEFAULT_RL, seed };
  return [
    { algo: 'grpo', name: 'GRPO', core: true, config: { ...base, algo: 'grpo', G: 16 } },
    { algo: 'mirl', name: 'MIRL', core: true, config: { ...base, algo: 'mirl', N: 10, k: 6, miScorer: 'warmstart' } },
    { algo: 'perception-r1', name: 'Perception-R1', core: true, config: { ...base, algo: 'perception-r1', G: 6 } },
    { algo: 'racro', name: 'RACRO', core: false, config: { ...base, algo: 'racro', G: 6 } },
    { algo: 'pearl', name: 'PEARL', core: false, config: { ...base, algo: 'pearl', G: 5 } },
    { algo: 'vppo', name: 'VPPO', core: false, config: { ...base, algo: 'vppo', G: 8 } },
  ];
}

export type HeldoutMetric = 'desc_f1' | 'desc_exact' | 'answer_acc' | 'lucky';

/** A figure with its standard error. */
export interface Est {
  mean: number;
  se: number;
}

/**
 * One run's change of a held-out figure from the warm start to its last evaluation, over
 * samples; its SE treats the two evaluations as independent (they share problems, so this
 * overstates the error: a verdict from it is conservative). null without both figures.
 */
export function heldoutChange(metrics: readonly StepMetrics[], key: HeldoutMetric): (Est & { step: number }) | null {
  const start = metrics.find((m) => m.heldout_start)?.heldout_start;
  let lastAt = metrics.length - 1;
  while (lastAt >= 0 && !metrics[lastAt].heldout?.sampled) lastAt--;
  if (!start?.sampled || lastAt < 0) return null;
  const end = metrics[lastAt].heldout as HeldoutFigures & { sampled: NonNullable<HeldoutFigures['sampled']> };
  return {
    mean: end.sampled[key] - start.sampled[key],
    se: Math.hypot(end.sampled.se[key], start.sampled.se[key]),
    step: metrics[lastAt].step + 1,
  };
}

/**
 * An arm's change over its runs: with one run, that run's change and its SE over problems;
 * with several (seeds), the mean change and its SE over runs, which holds the seed-to-seed
 * spread the problems' SE cannot see.
 */
export function armChange(
  runs: readonly (readonly StepMetrics[])[],
  key: HeldoutMetric,
): (Est & { runs: number; over: 'problems' | 'seeds' }) | null {
  const cs = runs.map((m) => heldoutChange(m, key)).filter((c): c is NonNullable<typeof c> => c !== null);
  if (!cs.length) return null;
  if (cs.length === 1) return { mean: cs[0].mean, se: cs[0].se, runs: 1, over: 'problems' };
  const mean = cs.reduce((a, c) => a + c.mean, 0) / cs.length;
  const sd = Math.sqrt(cs.reduce((a, c) => a + (c.mean - mean) ** 2, 0) / (cs.length - 1));
  return { mean, se: sd / Math.sqrt(cs.length), runs: cs.length, over: 'seeds' };
}

/** a - b, its SE, and whether it is beyond 2 SE; the only place a difference is called. */
export function compare(a: Est, b: Est): Est & { called: boolean } {
  const mean = a.mean - b.mean;
  const se = Math.hypot(a.se, b.se);
  return { mean, se, called: Math.abs(mean) > 2 * se };
}

/** `called` for one figure against zero: moved beyond 2 SE. */
export const moved = (e: Est): boolean => Math.abs(e.mean) > 2 * e.se;

/** The blind counts summed over steps, and the rates a reader needs; null where no step counted them. */
export function blindRates(
  metrics: readonly StepMetrics[],
): {
  wrongUp: number | null;
  rightDown: number | null;
  favoursRight: number | null;
  sum: BlindCounts;
  steps: number;
} | null {
  const counted = metrics.filter((m) => m.blind);
  if (!counted.length) return null;
  const sum: BlindCounts = { wrong: 0, wrong_up: 0, right: 0, right_down: 0, pairs: 0, pair_wins: 0 };
  for (const m of counted) for (const k of Object.keys(sum) as (keyof BlindCounts)[]) sum[k] += m.blind![k];
  const r = (a: number, b: number) => (b > 0 ? a / b : null);
  return {
    wrongUp: r(sum.wrong_up, sum.wrong),
    rightDown: r(sum.right_down, sum.right),
    favoursRight: r(sum.pair_wins, sum.pairs),
    sum,
    steps: counted.length,
  };
}

/**
 * Time left of a run from its steps so far: the mean time of a step without a held-out
 * evaluation, and what an evaluation added, times what remains of each. null before a step.
 */
export function remainingMs(
  metrics: readonly StepMetrics[],
  config: Pick<RLConfig, 'steps' | 'heldoutEvery' | 'heldoutCount'>,
): { ms: number; perStepMs: number } | null {
  if (!metrics.length) return null;
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const evaluated = (m: StepMetrics) => Boolean(m.heldout || m.heldout_start);
  const plain = metrics.filter((m) => !evaluated(m));
  const perStepMs = avg((plain.length ? plain : metrics).map((m) => m.step_ms));
  const evals = metrics.filter(evaluated);
  // an evaluation's cost: its step's time beyond a plain step's (the first step may hold two: before and after)
  const evalMs =
    evals.length && plain.length
      ? Math.max(0, avg(evals.map((m) => (m.step_ms - perStepMs) / ((m.heldout ? 1 : 0) + (m.heldout_start ? 1 : 0)))))
      : 0;
  const done = metrics.length;
  let evalsLeft = 0;
  if (config.heldoutEvery > 0 && config.heldoutCount > 0)
    for (let s = done + 1; s <= config.steps; s++) if (s % config.heldoutEvery === 0 || s === config.steps) evalsLeft++;
  return { ms: Math.max(0, config.steps - done) * perStepMs + evalsLeft * evalMs, perStepMs };
}
