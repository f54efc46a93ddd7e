// What the trainer reports per step: metrics, and compact rollout records. Each is a zod
// schema and its type is inferred from it, so a field added here is in the type, in the
// run file's check and in an imported run at once (the run file reads older files with
// the fields they lack made optional, src/rl/runFile.ts).

import { z } from 'zod';
import { heldoutFiguresSchema } from '../model/evaluate';
import { FAMILIES } from '../tasks/families';

const num = z.number();
const count = z.number().int().nonnegative();
const nullableNum = z.number().nullable();

/** Descriptions of a step: wrong ones and those pushed up, right ones and those pushed down, and (right, wrong) pairs within a group with the right one favoured (ties half). */
const blindCountsSchema = z.object({
  wrong: count,
  wrong_up: count,
  right: count,
  right_down: count,
  pairs: count,
  pair_wins: num,
});
export type BlindCounts = z.infer<typeof blindCountsSchema>;

/**
 * Descriptions of a step in the lesson's terms (rl/updateRates.ts): within a group, (right, wrong) pairs and those
 * whose update favoured the right one (ties half), (right, near-miss) pairs apart; lucky guesses (right answer,
 * wrong description) and those whose description was pushed up, near-misses apart.
 */
const updateCountsSchema = z.object({
  pairs: count,
  pair_wins: num,
  near_pairs: count,
  near_pair_wins: num,
  lucky: count,
  lucky_up: count,
  near_lucky: count,
  near_lucky_up: count,
});
export type UpdateCounts = z.infer<typeof updateCountsSchema>;

export const stepMetricsSchema = z.object({
  step: count,
  answer_acc: num,
  perception_acc: num,
  /** Mean object-level F1 of the step's sampled descriptions against their scenes. */
  desc_f1: num,
  /** null on a step that did not score MI (where it is only a metric: every `metricEvery` steps). */
  mean_mi: nullableNum,
  /** AUC of the MI score for predicting an exactly right description (0.5 = no signal); null when all right or all wrong. */
  mi_auc: nullableNum,
  /** The same within each prompt's group (what the group-normalised reward ranks); null without a right and a wrong row in one group. */
  mi_group_auc: nullableNum,
  /** MIRL: exact-description rate (and mean F1) of the kept forks minus that of all N pre-samples; null where every row is kept. */
  fork_lift_exact: nullableNum.optional(),
  fork_lift_f1: nullableNum.optional(),
  /** Description tokens pushed up inside a wrong description or down inside a right one, over description tokens with a non-zero advantage. */
  reward_blind_frac: num,
  /** Every description of the step, by its mean token advantage (absent in runs before it was counted). */
  blind: blindCountsSchema.optional(),
  /** The same descriptions in the lesson's terms, near-misses apart (absent in runs before it was counted). */
  update_counts: updateCountsSchema.optional(),
  lucky_guesses: count,
  generated_tokens: count,
  forward_tokens: count,
  complete_trajectories: count,
  step_ms: num,
  /** Wall time of the step, and of its phases: metrics is what follows the update (figures, records); heldout the held-out evaluation. */
  phase_ms: z.object({
    sample: num,
    score: num,
    fork: num,
    update: num,
    metrics: num.optional(),
    /** The held-out evaluation on the steps that run one (before #47 it was counted in metrics). */
    heldout: num.optional(),
  }),
  loss: num,
  /** KL to the warm start (k3, per token); null on a step that did not compute it (beta = 0 outside metric steps). */
  kl: nullableNum,
  entropy: num,
  grad_norm: num,
  /** The step's learning rate and optimiser steps (minibatches x epochs). */
  lr: num,
  updates: count,
  zero_std_frac: num,
  /** On step 0 only, when held-out evaluation is on: the warm start's figures, before any update. */
  heldout_start: heldoutFiguresSchema.optional(),
  /** After this step's update, on held-out steps. */
  heldout: heldoutFiguresSchema.optional(),
  error: z.string().optional(),
});
export type StepMetrics = z.infer<typeof stepMetricsSchema>;

export const trajectoryRecordSchema = z.object({
  /** Description words (without </desc>). */
  description: z.array(z.string()),
  /** Continuation words after </desc> (reasoning and answer), empty for dropped pre-samples. */
  continuation: z.array(z.string()),
  /** null where the step did not score MI. */
  mi: nullableNum,
  kept: z.boolean(),
  /** MIRL: its description was malformed, and the gate gave it the group's lowest perception score (absent in older runs). */
  gated: z.boolean().optional(),
  rAns: nullableNum,
  rPerc: num,
  advPerc: num,
  advAns: num,
  perceptionRight: z.boolean(),
  answerRight: z.boolean().nullable(),
  descF1: num,
  /** Per generated token (description, then continuation): advantage, log-prob, entropy, visual dependency (0 where not scored). */
  tokAdv: z.array(num),
  tokLogp: z.array(num),
  tokEntropy: z.array(num),
  tokDep: z.array(num),
  /** Per generated token: 1 where it entered the loss, 0 where a mask (VPPO's, DAPO's flat filter) left it out; absent when none did. */
  tokMask: z.array(z.number().int().min(0).max(1)).optional(),
});
export type TrajectoryRecord = z.infer<typeof trajectoryRecordSchema>;

export const promptRecordSchema = z.object({
  step: count,
  index: count,
  family: z.enum(FAMILIES),
  question: z.string(),
  answer: z.string(),
  groundTruthDescription: z.string(),
  /** The problem's identity, so the UI can re-render its image: (seed, index) of the task generator. */
  taskSeed: count,
  taskIndex: count,
  trajectories: z.array(trajectoryRecordSchema),
});
export type PromptRecord = z.infer<typeof promptRecordSchema>;

export interface StepReport {
  metrics: StepMetrics;
  records: PromptRecord[];
}
