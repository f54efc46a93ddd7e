// The comparison run as one button, in figures: which runs it makes (arms x seeds, at the teaching size or a quick
// one), the verdict paired by seed from whichever of them have finished their held-out evaluations, and the time
// left. Pure functions, so the page and its tests read the same figures.

import { heldoutChange, MIN_PAIRED_SEEDS, remainingMs, type Arm, type SeededRun } from '../rl/comparison';
import type { RLConfig } from '../rl/config';
import { meanSE } from '../model/evaluate';
import type { StepMetrics } from '../rl/types';

export type ComparisonSize = 'teaching' | 'quick';

/** A check that the whole comparison works, in a minute or so: every arm's config, far smaller. */
export const QUICK: Partial<RLConfig> = {
  batchPrompts: 1,
  steps: 2,
  // the warm start's evaluation and the last step's: what a change, and so the verdict, needs
  heldoutEvery: 2,
  heldoutCount: 8,
  heldoutSamples: 1,
};

/** The form that made a plan (its arms, seeds and size), so that a reload shows the plan's choices, not the defaults. */
export function formOfPlan(
  jobs: readonly { armId: string; seed: number; config: RLConfig }[],
): { chosen: string[]; seeds: number; size: ComparisonSize } | null {
  if (!jobs.length) return null;
  const quick = jobs.every((j) => Object.entries(QUICK).every(([k, v]) => j.config[k as keyof RLConfig] === v));
  return {
    chosen: [...new Set(jobs.map((j) => j.armId))],
    seeds: new Set(jobs.map((j) => j.seed)).size,
    size: quick ? 'quick' : 'teaching',
  };
}

/** The runs of a comparison, seed by seed (seeds 1..n, as the committed runs): the chosen arms and their references. */
export function planJobs(
  arms: readonly Arm[],
  chosen: readonly string[],
  seeds: number,
  size: ComparisonSize,
): { armId: string; seed: number; config: RLConfig }[] {
  const byId = new Map(arms.map((a) => [a.id, a]));
  const ids = new Set<string>();
  for (const id of chosen) {
    const a = byId.get(id);
    if (!a) continue;
    ids.add(a.id);
    // an arm is judged against its reference, which runs on the same seeds
    if (a.ref !== null) ids.add(a.ref);
  }
  const picked = arms.filter((a) => ids.has(a.id));
  const out = [];
  // seed-major: the first seeds' pairs finish first, so the verdict fills in as the comparison goes
  for (let seed = 1; seed <= seeds; seed++)
    for (const a of picked)
      out.push({ armId: a.id, seed, config: { ...a.config, ...(size === 'quick' ? QUICK : {}), seed } });
  return out;
}

/** An arm against its reference, seed by seed: each seed's difference of held-out F1 changes, and their mean. */
export interface PairedRow {
  armId: string;
  refId: string;
  pairs: { seed: number; diff: number }[];
  /** Mean of the per-seed differences and its SE over seeds (null with fewer than two pairs). */
  mean: number;
  se: number | null;
  /** Beyond 2 SE over MIN_PAIRED_SEEDS or more pairs: fewer seeds leave the SE on one or two degrees of freedom. */
  called: boolean;
}

/**
 * The paired verdict of a comparison's arms: every arm with a reference in it, paired seed by seed where both have
 * a held-out change at the same step (as the committed runs are judged); null for an arm with no pair yet.
 */
export function pairedRows(
  arms: readonly Arm[],
  runsOf: (armId: string) => readonly SeededRun[],
): { arm: Arm; row: PairedRow | null }[] {
  return arms.flatMap((a): { arm: Arm; row: PairedRow | null }[] => {
    if (a.ref === null || !arms.some((r) => r.id === a.ref)) return [];
    const ref = runsOf(a.ref);
    const pairs = runsOf(a.id).flatMap((r) => {
      const twin = ref.find((q) => q.seed === r.seed);
      const ca = heldoutChange(r.metrics, 'desc_f1');
      const cb = twin && heldoutChange(twin.metrics, 'desc_f1');
      return ca && cb && ca.step === cb.step ? [{ seed: r.seed, diff: ca.mean - cb.mean }] : [];
    });
    pairs.sort((x, y) => x.seed - y.seed);
    if (!pairs.length) return [{ arm: a, row: null }];
    const { mean, se } = meanSE(pairs.map((p) => p.diff));
    const withSe = pairs.length >= 2 ? se : null;
    const refId = a.ref;
    return [
      {
        arm: a,
        row: {
          armId: a.id,
          refId,
          pairs,
          mean,
          se: withSe,
          called: pairs.length >= MIN_PAIRED_SEEDS && withSe !== null && Math.abs(mean) > 2 * withSe,
        },
      },
    ];
  });
}

/** A job as the estimate sees it: its config, and the run's steps so far (none when not begun). */
export interface EtaJob {
  armId: string;
  config: Pick<RLConfig, 'steps' | 'heldoutEvery' | 'heldoutCount'>;
  metrics: readonly StepMetrics[];
  finished: boolean;
}

/**
 * Time left of the whole comparison: each unfinished run's own estimate (remainingMs); a run not yet begun takes what
 * a run of its arm is taking in all (its steps so far and its estimate of the rest, held-out evaluations included),
 * or the mean of the arms' where its arm has none yet; all of it spread over the `width` runs at once. null before any
 * run has a step.
 */
export function comparisonEtaMs(jobs: readonly EtaJob[], width: number): number | null {
  const wholeOf = new Map<string, number[]>();
  for (const j of jobs) {
    const r = remainingMs(j.metrics, j.config);
    const spent = j.metrics.reduce((a, m) => a + m.step_ms, 0);
    if (r) wholeOf.set(j.armId, [...(wholeOf.get(j.armId) ?? []), spent + r.ms]);
  }
  if (!wholeOf.size) return null;
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const anyWhole = mean([...wholeOf.values()].flat());
  let total = 0;
  for (const j of jobs) {
    if (j.finished) continue;
    const r = remainingMs(j.metrics, j.config);
    const whole = wholeOf.get(j.armId);
    total += r ? r.ms : whole ? mean(whole) : anyWhole;
  }
  return total / Math.max(1, width);
}
