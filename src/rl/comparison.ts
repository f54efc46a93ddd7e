// The teaching comparison: GRPO, MIRL and Perception-R1 (the core three), the other perception-RL methods beside
// them (the algorithms RACRO, PEARL, VPPO and Vision-SR1; the task families of ViCrit, Visual-RFT and MIRG-RL),
// on the same prompts, at the smallest size where the experiment in docs/research.md saw them separate (16 prompts
// x 60 steps, held-out 256 problems x 4 samples), and what its runs let one say: held-out changes, the verdict paired
// by seed, the time left of a comparison, and each arm's update counts. The page shows these (ui/ComparisonRunner,
// ui/lesson.ts).

import { meanSE, type HeldoutFigures } from '../model/evaluate';
import { DEFAULT_FAMILIES, type FamilyName } from '../tasks/families';
import { ALGORITHM_NAMES, algorithmOf } from './algorithms/table';
import { CUSTOM_REWARD_ALGOS, DEFAULT_RL, type RLConfig } from './config';
import { descAdvantage } from './metrics';
import type { PromptRecord, StepMetrics, UpdateCounts } from './types';
import { addCounts, emptyCounts, updateCounts, type RateRow } from './updateRates';

export interface Arm {
  /** Names the arm in test ids, colours and the page; an algorithm arm's is its algorithm. */
  id: string;
  name: string;
  config: RLConfig;
  /** One of the core three that "Run all three" queues; the others are run one by one. */
  core: boolean;
  /** An algorithm arm changes the update; a task arm adds a family to GRPO-16's prompts, and with it a reward. */
  kind: 'algorithm' | 'task';
  /** The arm it is judged against: GRPO-16 from the same warm start; null for such a reference itself. */
  ref: string | null;
}

const withFamily = (f: FamilyName): FamilyName[] => [...DEFAULT_FAMILIES, f];

/**
 * The experiment's arms (scripts/experiments.sh and experiments-grounding.sh), so the committed runs are these
 * runs. The grounding arms start from the grounding warm start (their families take it), so they are judged
 * against a GRPO-16 that names it.
 */
export function comparisonArms(seed = 1): Arm[] {
  const base = { ...DEFAULT_RL, seed };
  // the algorithm arms: the rows that name one (algorithms/rows.ts), the reference first
  const rows = ALGORITHM_NAMES.flatMap((id) => {
    const { label, arm } = algorithmOf({ algo: id });
    return arm ? [{ id, label, arm }] : [];
  }).sort((a, b) => Number(!a.arm.reference) - Number(!b.arm.reference));
  const ref = rows[0];
  const algorithmArm = ({ id, label, arm }: (typeof rows)[number]): Arm => ({
    id,
    name: label,
    core: arm.core === true,
    kind: 'algorithm',
    ref: id === ref.id ? null : ref.id,
    config: { ...base, algo: id, ...(arm.config as Partial<RLConfig>) },
  });
  const task = (id: string, name: string, config: Partial<RLConfig>, taskRef: string | null): Arm => ({
    id,
    name,
    core: false,
    kind: 'task',
    ref: taskRef,
    config: { ...algorithmArm(ref).config, ...config },
  });
  return [
    ...rows.map(algorithmArm),
    task('vicrit', 'ViCrit', { families: withFamily('vicrit') }, ref.id),
    task(`${ref.id}-v1g`, `${ref.label} from the grounding warm start`, { warmStart: 'tinyvlm-v1g' }, null),
    task('visual-rft', 'Visual-RFT', { families: withFamily('grounding') }, `${ref.id}-v1g`),
    task('mirg-rl', 'MIRG-RL', { families: withFamily('multi_grounding') }, `${ref.id}-v1g`),
  ];
}

/** The id of the arm of the user's own reward (customArm). */
export const CUSTOM_ARM_ID = 'custom';

/**
 * What a custom arm takes from the config its reward was written in: the reward (its code, whether it reads MI, how
 * MI is scored for it, how it is normalised in the group) and the group size; everything else is the comparison's,
 * so that the arm differs from GRPO-16 in its reward alone (and G, as every arm may).
 */
const CUSTOM_ARM_FIELDS = [
  'algo',
  'G',
  'rewardCode',
  'rewardMI',
  'estimator',
  'contrastiveK',
  'miScorer',
  'miAgg',
  'miClip',
  'percNorm',
  'percThreshold',
] as const satisfies readonly (keyof RLConfig)[];

/**
 * The user's own reward as an arm of the comparison, judged against GRPO-16 paired by seed like any method; null
 * where `config` has no custom reward.
 */
export function customArm(config: RLConfig, seed = 1): Arm | null {
  if (!CUSTOM_REWARD_ALGOS.includes(config.algo) || !config.rewardCode.trim()) return null;
  const reward: Partial<RLConfig> = Object.fromEntries(CUSTOM_ARM_FIELDS.map((k) => [k, config[k]]));
  return {
    id: CUSTOM_ARM_ID,
    name: 'Your reward',
    core: false,
    kind: 'algorithm',
    ref: comparisonArms(seed)[0].id,
    config: { ...DEFAULT_RL, ...reward, seed },
  };
}

/**
 * The custom arms among runs' configs: each distinct custom reward run at its arm's config (customArm: the
 * comparison's size and settings; the seed aside), in first-seen order, as 'Your reward', 'Your reward 2', ...
 */
export function customArmsOf(configs: readonly RLConfig[]): Arm[] {
  const out: Arm[] = [];
  const same = (a: RLConfig, b: RLConfig) =>
    (Object.keys(DEFAULT_RL) as (keyof RLConfig)[]).every(
      (k) => k === 'seed' || JSON.stringify(a[k]) === JSON.stringify(b[k]),
    );
  for (const c of configs) {
    const a = customArm(c);
    if (!a || !same(c, a.config) || out.some((o) => same(o.config, a.config))) continue;
    const n = out.length + 1;
    out.push(n === 1 ? a : { ...a, id: `${CUSTOM_ARM_ID}-${n}`, name: `${a.name} ${n}` });
  }
  return out;
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
  return { ...meanSE(cs.map((c) => c.mean)), runs: cs.length, over: 'seeds' };
}

/**
 * Where an arm's change starts: the warm start's held-out figure, the mean over the arm's runs that evaluated it
 * (the runs of an arm share the warm start and the held-out problems, so they agree but for sampling). null before.
 */
export function armStart(runs: readonly (readonly StepMetrics[])[], key: HeldoutMetric): number | null {
  const xs = runs.flatMap((ms) => {
    const s = ms.find((m) => m.heldout_start)?.heldout_start?.sampled;
    return s ? [s[key]] : [];
  });
  return xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null;
}

/** a - b, its SE, and whether it is beyond 2 SE; the only place a difference is called. */
export function compare(a: Est, b: Est): Est & { called: boolean } {
  const mean = a.mean - b.mean;
  const se = Math.hypot(a.se, b.se);
  return { mean, se, called: Math.abs(mean) > 2 * se };
}

/** A run's seed and its held-out figures: what pairing needs of it. */
export interface SeededRun {
  seed: number;
  metrics: readonly StepMetrics[];
}

/**
 * One run per seed: the one whose held-out evaluations reached the latest step (of equals, the later in the list),
 * so a run still under way, or stopped early, does not stand in for a finished one of the same seed; a seed with
 * no held-out change yet keeps its latest run.
 */
export function runPerSeed<R extends SeededRun>(runs: readonly R[]): R[] {
  const at = (r: R) => heldoutChange(r.metrics, 'desc_f1')?.step ?? -1;
  const bySeed = new Map<number, R>();
  for (const r of runs) {
    const kept = bySeed.get(r.seed);
    if (!kept || at(r) >= at(kept)) bySeed.set(r.seed, r);
  }
  return [...bySeed.values()];
}

/** Seeds an arm difference is paired over at least: with fewer, the SE over seeds rests on one or two degrees of freedom. */
export const MIN_PAIRED_SEEDS = 3;

/**
 * Arm a minus arm b on a held-out figure's change. With MIN_PAIRED_SEEDS or more seeds both ran to the same
 * held-out step, paired by seed: the mean of the per-seed differences and its SE over seeds, as the experiment's
 * report pairs them (the seed's prompts and sampling are shared, so their spread cancels). Otherwise the two arms'
 * changes compared unpaired. null when either arm has no change yet.
 */
export function armDifference(
  a: readonly SeededRun[],
  b: readonly SeededRun[],
  key: HeldoutMetric,
): (Est & { called: boolean; pairedSeeds: number }) | null {
  const diffs = a.flatMap((r) => {
    const twin = b.find((q) => q.seed === r.seed);
    const ca = heldoutChange(r.metrics, key);
    const cb = twin && heldoutChange(twin.metrics, key);
    // a change at step 20 against one at step 60 is not a pair
    return ca && cb && ca.step === cb.step ? [ca.mean - cb.mean] : [];
  });
  if (diffs.length >= MIN_PAIRED_SEEDS) {
    const { mean, se } = meanSE(diffs);
    return { mean, se, called: Math.abs(mean) > 2 * se, pairedSeeds: diffs.length };
  }
  const ca = armChange(
    a.map((r) => r.metrics),
    key,
  );
  const cb = armChange(
    b.map((r) => r.metrics),
    key,
  );
  return ca && cb ? { ...compare(ca, cb), pairedSeeds: 0 } : null;
}

/** `called` for one figure against zero: moved beyond 2 SE. */
export const moved = (e: Est): boolean => Math.abs(e.mean) > 2 * e.se;

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

/** The rows of recorded rollouts: each prompt record is its own group. */
export function recordRows(records: readonly PromptRecord[]): RateRow[] {
  return records.flatMap((p, group) =>
    p.trajectories.map((t) => ({
      group,
      // an empty description has no tokens for the update to move
      descAdv: descAdvantage(t) ?? 0,
      exact: t.perceptionRight,
      f1: t.descF1,
      answerRight: t.answerRight,
    })),
  );
}

/** An arm's update counts and where they come from: every trajectory of the steps that counted them, or the recorded prompts. */
export interface ArmCounts {
  counts: UpdateCounts;
  /** Steps whose every trajectory was counted (runs made since the counts were added). */
  steps: number;
  /** Recorded prompts counted, of runs that carry no per-step counts (the committed runs keep their last step's). */
  recordedPrompts: number;
}

/**
 * An arm's counts over its runs: a run that counted every step gives those counts; a run without them (made before
 * they were counted) gives its recorded rollouts' instead, a smaller sample its pair counts show.
 */
export function armCounts(
  runs: readonly { metrics: readonly StepMetrics[]; records: readonly PromptRecord[] }[],
): ArmCounts {
  let counts = emptyCounts();
  let steps = 0;
  let recordedPrompts = 0;
  for (const r of runs) {
    const counted = r.metrics.filter((m) => m.update_counts);
    if (counted.length) {
      for (const m of counted) counts = addCounts(counts, m.update_counts!);
      steps += counted.length;
    } else if (r.records.length) {
      counts = addCounts(counts, updateCounts(recordRows(r.records)));
      recordedPrompts += r.records.length;
    }
  }
  return { counts, steps, recordedPrompts };
}
