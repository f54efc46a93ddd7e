// The RL run's configuration: everything a share URL must carry to reproduce a run.

import { FAMILIES, type FamilyName } from '../tasks/families';
import { DEFAULT_KNOBS, validateKnobs, type SceneKnobs } from '../tasks/scene';

export const ALGORITHMS = ['mirl', 'grpo', 'vision-sr1', 'perception-r1'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];
export const ESTIMATORS = ['null', 'blank', 'noise', 'patch', 'contrastive'] as const;
export type Estimator = (typeof ESTIMATORS)[number];
export const PERC_NORMS = ['raw', 'zscore', 'rank', 'threshold'] as const;
export type PercNorm = (typeof PERC_NORMS)[number];
export const MI_SCORERS = ['policy', 'warmstart'] as const;
export type MIScorer = (typeof MI_SCORERS)[number];
export const MI_AGGS = ['mean', 'sum'] as const;
export type MIAgg = (typeof MI_AGGS)[number];
export const LR_SCHEDULES = ['constant', 'cosine'] as const;
export type LrSchedule = (typeof LR_SCHEDULES)[number];
export const PERC_GATES = ['off', 'lowest', 'floor'] as const;
export type PercGate = (typeof PERC_GATES)[number];

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
  /** The MI score over a description's tokens: per-token mean or sum. */
  miAgg: MIAgg;
  /** > 0: each token's pointwise MI is clamped to [-miClip, miClip] first; 0: no clip. */
  miClip: number;
  /**
   * Well-formedness gate: a description that does not parse into distinct,
   * complete objects of the task language (or never closed) gets the group's
   * lowest perception score ('lowest', strictly below every well-formed one) or
   * the fixed `percGateFloor` ('floor'); 'off' scores it like any other.
   */
  percGate: PercGate;
  percGateFloor: number;
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
  /** 0: fresh prompts every step; n > 0: cycle through a fixed pool of the first n (a check that the update can fit them). */
  promptPool: number;
  /** Passes over each rollout, and updates per pass (the rollout's prompt groups split evenly); > 1 lets the clipped ratio act. */
  ppoEpochs: number;
  miniBatches: number;
  /** Linear warm-up steps, then the learning-rate schedule over `steps`: constant, or cosine decay to 10%. */
  warmupSteps: number;
  lrSchedule: LrSchedule;
  /** Adam's second-moment decay. */
  adamBeta2: number;
  /** DAPO-style filter: a group whose rewards are all equal (per segment) is dropped from the update instead of diluting it. */
  dropFlatGroups: boolean;
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
  /**
   * Metrics that cost an extra forward pass are computed every this many steps (0: never): MI
   * where it is not the reward (GRPO, Vision-SR1, Perception-R1; its pass cost GRPO-16 a third
   * of its step) and the KL to the warm start where beta = 0 (its reference pass). MIRL scores
   * MI every step, since MI is its reward, and beta > 0 computes KL every step, since it is in the loss.
   */
  metricEvery: number;
}

/**
 * The defaults of share schema v2, frozen: links are read against the defaults
 * of their own version, so each later version is written as a change of these.
 * The settings v2 did not have take the values that reproduce its behaviour.
 */
export const V2_DEFAULTS: RLConfig = {
  algo: 'mirl', N: 10, k: 6, G: 16,
  estimator: 'null', contrastiveK: 3, miScorer: 'policy', miAgg: 'mean', miClip: 0, percGate: 'off', percGateFloor: -10,
  percNorm: 'raw', percThreshold: 0,
  formatReward: 0.1, lr: 1e-4, clipLow: 0.2, clipHigh: 0.28, beta: 0,
  advNormalize: 'std', wPerc: 1, wAns: 1, lossAgg: 'token',
  batchPrompts: 4, promptPool: 0, ppoEpochs: 1, miniBatches: 1, warmupSteps: 0, lrSchedule: 'constant', adamBeta2: 0.99, dropFlatGroups: false,
  temperature: 1, topP: 1, maxDescTokens: 36, maxAnswerTokens: 24,
  families: [...FAMILIES], knobs: DEFAULT_KNOBS,
  seed: 1, steps: 100, heldoutEvery: 10, heldoutCount: 64, heldoutSeed: 4242, recordPrompts: 2, metricEvery: 1,
};

/** v3: MIRL's perception reward is the summed MI, gated for well-formedness (README, "The perception reward, checked"). */
export const V3_DEFAULTS: RLConfig = { ...V2_DEFAULTS, miAgg: 'sum', percGate: 'lowest' };

/** v4: metrics that need an extra pass (MI where it is not the reward, KL at beta = 0) every 10 steps. */
export const DEFAULT_RL: RLConfig = { ...V3_DEFAULTS, metricEvery: 10 };

/** Whether this step scores MI: always where it is the reward, every `metricEvery` steps where it is only measured. */
export function scoresMI(cfg: Pick<RLConfig, 'algo' | 'metricEvery'>, step: number): boolean {
  return cfg.algo === 'mirl' || metricStep(cfg, step);
}

/** Whether this step computes the KL to the warm start: always when it is in the loss, on metric steps otherwise. */
export function measuresKL(cfg: Pick<RLConfig, 'beta' | 'metricEvery'>, step: number): boolean {
  return cfg.beta > 0 || metricStep(cfg, step);
}

const metricStep = (cfg: Pick<RLConfig, 'metricEvery'>, step: number) => cfg.metricEvery > 0 && step % cfg.metricEvery === 0;

/** Each field as the config form labels it: the form and every message about a field use these words. */
export const FIELD_LABELS: Record<keyof RLConfig, string> = {
  algo: 'algorithm', N: 'N pre-samples', k: 'k forks', G: 'G trajectories', estimator: 'MI estimator', contrastiveK: 'contrastive K',
  miScorer: 'MI scored by', miAgg: 'MI over tokens', miClip: 'MI clip per token (0 off)', percGate: 'malformed description',
  percGateFloor: 'gate floor', percNorm: 'perception reward', percThreshold: 'perception threshold', formatReward: 'format reward',
  lr: 'learning rate', clipLow: 'clip low', clipHigh: 'clip high', beta: 'KL coefficient', advNormalize: 'advantage',
  wPerc: 'perception weight', wAns: 'answer weight', lossAgg: 'loss mean over', batchPrompts: 'prompts / step',
  promptPool: 'prompt pool (0 fresh)', ppoEpochs: 'epochs / rollout', miniBatches: 'updates / epoch', warmupSteps: 'lr warm-up steps',
  lrSchedule: 'lr schedule', adamBeta2: 'Adam beta2', dropFlatGroups: 'drop flat groups', temperature: 'temperature', topP: 'top-p',
  maxDescTokens: 'max description tokens', maxAnswerTokens: 'max answer tokens', families: 'task families', knobs: 'difficulty',
  seed: 'seed', steps: 'steps', heldoutEvery: 'held-out every', heldoutCount: 'held-out problems', heldoutSeed: 'held-out seed',
  recordPrompts: 'recorded prompts / step', metricEvery: 'extra-pass metrics every (0 never)',
};

/**
 * `base` with the fields of `diff` over it (a link's or a run file's config); knobs are merged
 * one by one, so {"knobs": {"noise": 0.1}} changes only the noise. Settings this version does
 * not know are left out and named.
 */
export function applyConfigDiff(base: RLConfig, diff: Record<string, unknown>): { config: RLConfig; unknown: string[] } {
  const unknown = Object.keys(diff).filter((k) => !(k in base));
  const known = Object.fromEntries(Object.entries(diff).filter(([k]) => k in base));
  const config = { ...base, ...known } as RLConfig;
  const kd = diff.knobs;
  if (typeof kd === 'object' && kd !== null && !Array.isArray(kd)) {
    unknown.push(...Object.keys(kd).filter((k) => !(k in base.knobs)).map((k) => `knobs.${k}`));
    config.knobs = { ...base.knobs, ...Object.fromEntries(Object.entries(kd).filter(([k]) => k in base.knobs)) };
  }
  return { config, unknown };
}

/** validateRL's problems as sentences that name each field as the form does. */
export function configErrorMessages(errs: Record<string, string>): string[] {
  return Object.entries(errs).map(([k, m]) => (k === 'knobs' ? `difficulty: ${m}` : `${FIELD_LABELS[k as keyof RLConfig] ?? k} must be ${m}`));
}

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
  if (!MI_AGGS.includes(c.miAgg)) e.miAgg = `one of ${MI_AGGS.join(', ')}`;
  num('miClip', 0, 50);
  if (!PERC_GATES.includes(c.percGate)) e.percGate = `one of ${PERC_GATES.join(', ')}`;
  num('percGateFloor', -1000, 1000);
  if (!PERC_NORMS.includes(c.percNorm)) e.percNorm = `one of ${PERC_NORMS.join(', ')}`;
  num('percThreshold', -20, 20);
  num('formatReward', 0, 1);
  num('lr', 0, 0.1);
  if (!e.lr && c.lr === 0) e.lr = 'above 0 (at 0 the policy never moves)';
  num('clipLow', 0, 1);
  num('clipHigh', 0, 10);
  num('beta', 0, 10);
  if (c.advNormalize !== 'std' && c.advNormalize !== 'none') e.advNormalize = "'std' or 'none'";
  // negative weights flip a reward's sign: the check that the loop optimises what it is given
  num('wPerc', -10, 10);
  num('wAns', -10, 10);
  if (c.lossAgg !== 'token' && c.lossAgg !== 'sequence') e.lossAgg = "'token' or 'sequence'";
  int('batchPrompts', 1, 64);
  int('promptPool', 0, 100000);
  int('ppoEpochs', 1, 8);
  int('miniBatches', 1, 64);
  if (!e.miniBatches && !e.batchPrompts && c.miniBatches > c.batchPrompts) e.miniBatches = `at most the prompts per step (${c.batchPrompts})`;
  int('warmupSteps', 0, 100000);
  if (!LR_SCHEDULES.includes(c.lrSchedule)) e.lrSchedule = `one of ${LR_SCHEDULES.join(', ')}`;
  num('adamBeta2', 0.5, 0.99999);
  if (typeof c.dropFlatGroups !== 'boolean') e.dropFlatGroups = 'true or false';
  num('temperature', 0.05, 5);
  num('topP', 0.05, 1);
  int('maxDescTokens', 4, 60);
  int('maxAnswerTokens', 4, 40);
  if (!Array.isArray(c.families) || c.families.length === 0 || c.families.some((f) => !FAMILIES.includes(f))) e.families = `a non-empty subset of ${FAMILIES.join(', ')}`;
  const k = typeof c.knobs === 'object' && c.knobs !== null ? validateKnobs(c.knobs) : 'an object of difficulty settings';
  if (k) e.knobs = k;
  int('seed', 0, 2 ** 31 - 1);
  int('steps', 1, 100000);
  int('heldoutEvery', 0, 100000);
  int('heldoutCount', 0, 2000);
  int('heldoutSeed', 0, 2 ** 31 - 1);
  int('recordPrompts', 0, 64);
  int('metricEvery', 0, 100000);
  return e;
}
