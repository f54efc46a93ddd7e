// The RL run's configuration: everything a share URL must carry to reproduce a run.

import { FAMILIES, type FamilyName } from '../tasks/families';
import { DEFAULT_KNOBS, validateKnobs, type SceneKnobs } from '../tasks/scene';

export const ALGORITHMS = ['mirl', 'grpo', 'vision-sr1'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];
export const ESTIMATORS = ['null', 'blank', 'noise', 'patch', 'contrastive'] as const;
export type Estimator = (typeof ESTIMATORS)[number];
export const PERC_NORMS = ['raw', 'zscore', 'rank', 'threshold'] as const;
export type PercNorm = (typeof PERC_NORMS)[number];
export const MI_SCORERS = ['policy', 'warmstart'] as const;
export type MIScorer = (typeof MI_SCORERS)[number];

export interface RLConfig {
  algo: Algorithm;
  /** MIRL: pre-samples per prompt and how many are forked. */
  N: number;
  k: number;
  /** GRPO / Vision-SR1: complete trajectories per prompt. */
  G: number;
  estimator: Estimator;
  /** Alternatives for the contrastive estimator (other images of the batch). */
  contrastiveK: number;
  /**
   * Which model's two passes give the MI score: the policy being trained, or a
   * frozen copy of the warm start (the policy then cannot move the scorer).
   */
  miScorer: MIScorer;
  percNorm: PercNorm;
  percThreshold: number;
  formatReward: number;
  lr: number;
  clipLow: number;
  clipHigh: number;
  /** KL coefficient to the frozen warm start (k3); 0 disables. */
  beta: number;
  advNormalize: 'std' | 'none';
  wPerc: number;
  wAns: number;
  lossAgg: 'token' | 'sequence';
  /** Prompts per step. */
  batchPrompts: number;
  temperature: number;
  topP: number;
  maxDescTokens: number;
  maxAnswerTokens: number;
  families: FamilyName[];
  knobs: SceneKnobs;
  seed: number;
  steps: number;
  heldoutEvery: number;
  heldoutCount: number;
  heldoutSeed: number;
  /** Prompts per step whose rollouts are recorded in full. */
  recordPrompts: number;
}

export const DEFAULT_RL: RLConfig = {
  algo: 'mirl', N: 10, k: 6, G: 16,
  estimator: 'null', contrastiveK: 3, miScorer: 'policy', percNorm: 'raw', percThreshold: 0,
  formatReward: 0.1, lr: 1e-4, clipLow: 0.2, clipHigh: 0.28, beta: 0,
  advNormalize: 'std', wPerc: 1, wAns: 1, lossAgg: 'token',
  batchPrompts: 4, temperature: 1, topP: 1, maxDescTokens: 36, maxAnswerTokens: 24,
  families: [...FAMILIES], knobs: DEFAULT_KNOBS,
  seed: 1, steps: 100, heldoutEvery: 10, heldoutCount: 64, heldoutSeed: 4242, recordPrompts: 2,
};

/** Every field's problem, by field name; empty when the config is valid. */
export function validateRL(c: RLConfig): Record<string, string> {
  const e: Record<string, string> = {};
  const int = (k: keyof RLConfig, lo: number, hi: number) => {
    const v = c[k] as number;
    if (!Number.isInteger(v) || v < lo || v > hi) e[k] = `an integer in [${lo}, ${hi}]`;
  };
  const num = (k: keyof RLConfig, lo: number, hi: number) => {
    const v = c[k] as number;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) e[k] = `a number in [${lo}, ${hi}]`;
  };
  if (!ALGORITHMS.includes(c.algo)) e.algo = `one of ${ALGORITHMS.join(', ')}`;
  int('N', 2, 32);
  int('k', 1, 32);
  if (!e.N && !e.k && c.k > c.N) e.k = `at most N (${c.N})`;
  int('G', 2, 32);
  if (!ESTIMATORS.includes(c.estimator)) e.estimator = `one of ${ESTIMATORS.join(', ')}`;
  int('contrastiveK', 1, 16);
  if (c.estimator === 'contrastive' && c.contrastiveK >= c.batchPrompts) e.contrastiveK = `below the prompts per step (${c.batchPrompts}): the alternatives are the other prompts' images`;
  if (!MI_SCORERS.includes(c.miScorer)) e.miScorer = `one of ${MI_SCORERS.join(', ')}`;
  if (!PERC_NORMS.includes(c.percNorm)) e.percNorm = `one of ${PERC_NORMS.join(', ')}`;
  num('percThreshold', -20, 20);
  num('formatReward', 0, 1);
  num('lr', 0, 0.1);
  num('clipLow', 0, 1);
  num('clipHigh', 0, 10);
  num('beta', 0, 10);
  if (c.advNormalize !== 'std' && c.advNormalize !== 'none') e.advNormalize = "'std' or 'none'";
  num('wPerc', 0, 10);
  num('wAns', 0, 10);
  if (c.lossAgg !== 'token' && c.lossAgg !== 'sequence') e.lossAgg = "'token' or 'sequence'";
  int('batchPrompts', 1, 64);
  num('temperature', 0.05, 5);
  num('topP', 0.05, 1);
  int('maxDescTokens', 4, 60);
  int('maxAnswerTokens', 4, 40);
  if (!Array.isArray(c.families) || c.families.length === 0 || c.families.some((f) => !FAMILIES.includes(f))) e.families = `a non-empty subset of ${FAMILIES.join(', ')}`;
  const k = validateKnobs(c.knobs);
  if (k) e.knobs = k;
  int('seed', 0, 2 ** 31 - 1);
  int('steps', 1, 100000);
  int('heldoutEvery', 0, 100000);
  int('heldoutCount', 0, 2000);
  int('heldoutSeed', 0, 2 ** 31 - 1);
  int('recordPrompts', 0, 64);
  return e;
}
