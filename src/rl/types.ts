// What the trainer reports per step: metrics, and compact rollout records.

import type { HeldoutFigures } from '../model/evaluate';
import type { FamilyName } from '../tasks/families';

export interface StepMetrics {
  step: number;
  answer_acc: number;
  perception_acc: number;
  /** Mean object-level F1 of the step's sampled descriptions against their scenes. */
  desc_f1: number;
  /** null on a step that did not score MI (where it is only a metric: every `metricEvery` steps). */
  mean_mi: number | null;
  /** AUC of the MI score for predicting an exactly right description (0.5 = no signal); null when all right or all wrong. */
  mi_auc: number | null;
  /** The same within each prompt's group (what the group-normalised reward ranks); null without a right and a wrong row in one group. */
  mi_group_auc: number | null;
  /** MIRL: exact-description rate (and mean F1) of the kept forks minus that of all N pre-samples; null where every row is kept. */
  fork_lift_exact?: number | null;
  fork_lift_f1?: number | null;
  /** Description tokens pushed up inside a wrong description or down inside a right one, over description tokens with a non-zero advantage. */
  reward_blind_frac: number;
  /** Every description of the step, by its mean token advantage (absent in runs before it was counted). */
  blind?: BlindCounts;
  lucky_guesses: number;
  generated_tokens: number;
  forward_tokens: number;
  complete_trajectories: number;
  step_ms: number;
  /** Wall time of the step, and of its phases: metrics is what follows the update (records, held-out evaluation). */
  phase_ms: { sample: number; score: number; fork: number; update: number; metrics?: number };
  loss: number;
  /** KL to the warm start (k3, per token); null on a step that did not compute it (beta = 0 outside metric steps). */
  kl: number | null;
  entropy: number;
  grad_norm: number;
  /** The step's learning rate and optimiser steps (minibatches x epochs). */
  lr: number;
  updates: number;
  zero_std_frac: number;
  /** On step 0 only, when held-out evaluation is on: the warm start's figures, before any update. */
  heldout_start?: HeldoutFigures;
  /** After this step's update, on held-out steps. */
  heldout?: HeldoutFigures;
  error?: string;
}

/** Descriptions of a step: wrong ones and those pushed up, right ones and those pushed down, and (right, wrong) pairs within a group with the right one favoured (ties half). */
export interface BlindCounts {
  wrong: number;
  wrong_up: number;
  right: number;
  right_down: number;
  pairs: number;
  pair_wins: number;
}

export interface TrajectoryRecord {
  /** Description words (without </desc>). */
  description: string[];
  /** Continuation words after </desc> (reasoning and answer), empty for dropped pre-samples. */
  continuation: string[];
  /** null where the step did not score MI. */
  mi: number | null;
  kept: boolean;
  /** MIRL: its description was malformed, and the gate gave it the group's lowest perception score (absent in older runs). */
  gated?: boolean;
  rAns: number | null;
  rPerc: number;
  advPerc: number;
  advAns: number;
  perceptionRight: boolean;
  answerRight: boolean | null;
  descF1: number;
  /** Per generated token (description, then continuation): advantage, log-prob, entropy, visual dependency (0 where not scored). */
  tokAdv: number[];
  tokLogp: number[];
  tokEntropy: number[];
  tokDep: number[];
}

export interface PromptRecord {
  step: number;
  index: number;
  family: FamilyName;
  question: string;
  answer: string;
  groundTruthDescription: string;
  /** The problem's identity, so the UI can re-render its image: (seed, index) of the task generator. */
  taskSeed: number;
  taskIndex: number;
  trajectories: TrajectoryRecord[];
}

export interface StepReport {
  metrics: StepMetrics;
  records: PromptRecord[];
}
