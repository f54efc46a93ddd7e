// The comparison run as one button: which runs it makes (arms x seeds, at the teaching size or a quick one). Its
// paired verdict and time left are figures of rl/comparison.ts (pairedRows, comparisonEtaMs).

import type { Arm } from '../rl/comparison';
import type { RLConfig } from '../rl/config';

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
