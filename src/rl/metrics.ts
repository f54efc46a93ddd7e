// A step's metrics: the figures of its rollout and update, and the measures
// behind them (AUCs, reward blindness, flat groups) that the UI shares.

import type { HeldoutFigures } from '../model/evaluate';
import type { AlgoRollout, RowLabel } from './algorithms/types';
import type { BlindCounts, StepMetrics, TrajectoryRecord } from './types';
import type { UpdateResult } from './update';
import { updateCounts } from './updateRates';

/** AUC of scores for predicting positives (ties count half); null without both classes. */
export function auc(scores: readonly number[], positive: readonly boolean[]): number | null {
  const pos = scores.filter((_, i) => positive[i]);
  const neg = scores.filter((_, i) => !positive[i]);
  if (!pos.length || !neg.length) return null;
  let s = 0;
  for (const p of pos) for (const n of neg) s += p > n ? 1 : p === n ? 0.5 : 0;
  return s / (pos.length * neg.length);
}

/**
 * AUC within groups: over pairs of one group (one prompt's rows), P(score of a
 * positive > score of a negative), ties half; null without such pairs. This is
 * the ranking a group-normalised reward acts on; an AUC across prompts mixes
 * in how hard each prompt is (a summed score grows with the scene's objects).
 */
export function groupedAuc(scores: readonly number[], positive: readonly boolean[], groupSize: number): number | null {
  const { wins, pairs } = groupedPairs(scores, positive, groupSize);
  return pairs ? wins / pairs : null;
}

/** The counts behind groupedAuc: (positive, negative) pairs within groups, and the positive's wins (ties half). */
export function groupedPairs(
  scores: readonly number[],
  positive: readonly boolean[],
  groupSize: number,
): { wins: number; pairs: number } {
  let s = 0;
  let pairs = 0;
  for (let g = 0; g < scores.length; g += groupSize) {
    for (let i = g; i < Math.min(scores.length, g + groupSize); i++) {
      if (!positive[i]) continue;
      for (let j = g; j < Math.min(scores.length, g + groupSize); j++) {
        if (positive[j]) continue;
        pairs++;
        s += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
    }
  }
  return { wins: s, pairs };
}

/** Reward blindness, the one definition: a wrong description made likelier, or a right one less likely. */
const isBlindPush = (adv: number, right: boolean): boolean => (adv > 0 && !right) || (adv < 0 && right);

/** A recorded trajectory's description advantage, the mean over its description tokens: what the update does to the description (null for an empty one). */
export function descAdvantage(t: Pick<TrajectoryRecord, 'description' | 'tokAdv'>): number | null {
  const n = Math.min(t.description.length, t.tokAdv.length);
  return n > 0 ? t.tokAdv.slice(0, n).reduce((a, b) => a + b, 0) / n : null;
}

/** isBlindPush on a recorded trajectory: its description's own update pushes it the wrong way. */
export function isBlindRecord(t: Pick<TrajectoryRecord, 'description' | 'tokAdv' | 'perceptionRight'>): boolean {
  const a = descAdvantage(t);
  return a !== null && isBlindPush(a, t.perceptionRight);
}

/**
 * Reward blindness over every description of a step, counted per description by its mean
 * token advantage (what the update does to it): wrong ones pushed up, right ones pushed
 * down, and within each prompt's group the (right, wrong) pairs whose update favoured the
 * right one (ties half). The teaching view sums these over steps.
 */
export function blindCounts(descAdv: readonly number[], right: readonly boolean[], groupSize: number): BlindCounts {
  let wrong = 0;
  let wrongUp = 0;
  let rightN = 0;
  let rightDown = 0;
  descAdv.forEach((a, i) => {
    if (right[i]) {
      rightN++;
      if (isBlindPush(a, true)) rightDown++;
    } else {
      wrong++;
      if (isBlindPush(a, false)) wrongUp++;
    }
  });
  const { wins, pairs } = groupedPairs(descAdv, right, groupSize);
  return { wrong, wrong_up: wrongUp, right: rightN, right_down: rightDown, pairs, pair_wins: wins };
}

/** Over description tokens with a non-zero advantage, the fraction of blind pushes. */
function rewardBlindFraction(descAdv: readonly (readonly number[])[], right: readonly boolean[]): number {
  let blind = 0;
  let total = 0;
  descAdv.forEach((advs, i) => {
    for (const a of advs) {
      if (a === 0) continue;
      total++;
      if (isBlindPush(a, right[i])) blind++;
    }
  });
  return total ? blind / total : 0;
}

/** Fraction of groups whose values (over the given members) are all equal: zero advantage. */
function zeroStdFraction(values: readonly number[], members: readonly boolean[], groupSize: number): number {
  let groups = 0;
  let flat = 0;
  for (let g = 0; g < values.length; g += groupSize) {
    const xs = values.slice(g, g + groupSize).filter((_, i) => members[g + i]);
    if (!xs.length) continue;
    groups++;
    if (xs.every((x) => x === xs[0])) flat++;
  }
  return groups ? flat / groups : 0;
}

/**
 * MIRL's pre-screening, measured: the exact-description rate (and mean F1) of the
 * forks it kept minus that of all N pre-samples; null where every row was kept.
 */
export function forkLift(
  labels: readonly RowLabel[],
  keep: readonly number[],
): { fork_lift_exact: number | null; fork_lift_f1: number | null } {
  const kept = labels.filter((_, i) => keep[i] === 1);
  if (kept.length === labels.length || !kept.length) return { fork_lift_exact: null, fork_lift_f1: null };
  const exact = (ls: readonly RowLabel[]) => mean(ls.map((l) => (l.perceptionRight ? 1 : 0)));
  const f1 = (ls: readonly RowLabel[]) => mean(ls.map((l) => l.descF1));
  return { fork_lift_exact: exact(kept) - exact(labels), fork_lift_f1: f1(kept) - f1(labels) };
}

export const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** What the trainer measured around the rollout and update: timings and the learning rate. */
export interface StepContext {
  step: number;
  lr: number;
  klMeasured: boolean;
  stepMs: number;
  updateMs: number;
  /** The warm start's held-out figures, on the first step only. */
  heldoutStart: HeldoutFigures | null;
}

/** The step's figures from its rollout and its update. */
export function stepMetrics(r: AlgoRollout, u: UpdateResult, x: StepContext): StepMetrics {
  const N = r.batch.perPrompt;
  // each description's token advantages, in the segment its algorithm trains descriptions in
  const tokAdv = r.batch.adv.map((a, i) => a.slice(0, r.desc[i].length));
  const descAdv = tokAdv.map((advs, i) => advs.filter((_, j) => r.batch.seg[i][j] === r.descSegment));
  const right = r.labels.map((l) => l.perceptionRight);
  const miMeasured = r.depT > 0;
  const complete = r.labels.filter((l) => l.answerRight !== null);
  return {
    step: x.step,
    answer_acc: mean(complete.map((l) => (l.answerRight ? 1 : 0))),
    perception_acc: mean(right.map((y) => (y ? 1 : 0))),
    desc_f1: mean(r.labels.map((l) => l.descF1)),
    mean_mi: miMeasured ? mean(r.mi) : null,
    mi_auc: miMeasured ? auc(r.mi, right) : null,
    mi_group_auc: miMeasured ? groupedAuc(r.mi, right, N) : null,
    ...forkLift(r.labels, r.batch.keep),
    reward_blind_frac: rewardBlindFraction(descAdv, right),
    blind: blindCounts(
      tokAdv.map((advs) => mean(advs)),
      right,
      N,
    ),
    update_counts: updateCounts(
      r.labels.map((l, i) => ({
        group: Math.floor(i / N),
        descAdv: mean(tokAdv[i]),
        exact: l.perceptionRight,
        f1: l.descF1,
        answerRight: l.answerRight,
      })),
    ),
    lucky_guesses: r.labels.filter((l) => l.answerRight && !l.perceptionRight).length,
    generated_tokens: r.generatedTokens,
    forward_tokens: r.forwardTokens + u.forwardTokens,
    complete_trajectories: r.completeTrajectories,
    step_ms: x.stepMs,
    phase_ms: { ...r.phase, update: x.updateMs },
    ...(x.heldoutStart ? { heldout_start: x.heldoutStart } : {}),
    loss: u.loss,
    kl: x.klMeasured ? u.kl : null,
    entropy: u.entropy,
    grad_norm: u.gradNorm,
    lr: x.lr,
    updates: u.updates,
    zero_std_frac: zeroStdFraction(
      r.batch.rAns,
      r.batch.keep.map((k) => k === 1),
      N,
    ),
  };
}
