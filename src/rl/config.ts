// The RL run's configuration: everything a share URL must carry to reproduce a run. Its fields are here (kind,
// range, default, label, help, where the panel shows it); configVersions.ts keeps older links' defaults and
// reads a diff against them, configValidation.ts checks a config.

import { DEFAULT_FAMILIES, WARM_STARTS, type FamilyName } from '../tasks/families';
import { DEFAULT_KNOBS, type SceneKnobs } from '../tasks/scene';

import { ALGORITHM_NAMES, algorithmsWhere, algorithmsWithSetting } from './algorithms/table';

const ESTIMATORS = ['null', 'blank', 'noise', 'patch', 'contrastive'] as const;
export type Estimator = (typeof ESTIMATORS)[number];
const PERC_NORMS = ['raw', 'zscore', 'rank', 'threshold'] as const;
const MI_SCORERS = ['policy', 'warmstart'] as const;
const MI_AGGS = ['mean', 'sum'] as const;
const LR_SCHEDULES = ['constant', 'cosine'] as const;
const PERC_GATES = ['off', 'lowest', 'floor'] as const;
const PERC_LABELS = ['f1', 'exact', 'f1+exact'] as const;
const PERC_CREDITS = ['sequence', 'object'] as const;

/** The algorithms whose reward is the user's code (rewardCode): the editor shows for them. */
export const CUSTOM_REWARD_ALGOS = algorithmsWhere('perception', 'custom');

export const PANEL_GROUPS = {
  basic: 'basic',
  reward: 'rewards and MI',
  optimiser: 'optimiser and loss',
  sampling: 'sampling',
  evaluation: 'evaluation and records',
  // last, so it sits beside the task families that pick it by default
  start: 'warm start',
} as const;
export type PanelGroup = keyof typeof PANEL_GROUPS;

/** What the config panel shows of a field: its input step, and when it is shown at all. */
interface PanelSpec {
  /** Where the form shows it: 'basic' on the first screen, the others folded under "advanced". */
  group: PanelGroup;
  step?: number;
  /** Shown only while another field has one of these values. */
  when?: { field: string; in: readonly string[] };
}

interface Common {
  /** How the form and every message about the field name it. */
  label: string;
  /** What it does, shown as the field's tooltip. */
  help: string;
  /** In the config panel, in table order; left out: set through links, run files and scripts only. */
  panel?: PanelSpec;
}
interface IntField extends Common {
  kind: 'int';
  default: number;
  min: number;
  max: number;
  cpu?: number;
}
interface NumField extends Common {
  kind: 'num';
  default: number;
  min: number;
  max: number;
}
interface EnumField<O extends readonly string[]> extends Common {
  kind: 'enum';
  options: O;
  default: O[number];
}
interface BoolField extends Common {
  kind: 'bool';
  default: boolean;
}
interface FamiliesField extends Common {
  kind: 'families';
  default: readonly FamilyName[];
}
interface KnobsField extends Common {
  kind: 'knobs';
  default: SceneKnobs;
}
/** Source code the user wrote (a custom reward), edited in its own editor rather than the form. */
interface CodeField extends Common {
  kind: 'code';
  default: string;
  maxLength: number;
}

const int = (
  d: number,
  min: number,
  max: number,
  label: string,
  help: string,
  x: { panel?: PanelSpec; cpu?: number } = {},
): IntField => ({ kind: 'int', default: d, min, max, label, help, ...x });
const num = (d: number, min: number, max: number, label: string, help: string, panel?: PanelSpec): NumField => ({
  kind: 'num',
  default: d,
  min,
  max,
  label,
  help,
  panel,
});
const oneOf = <O extends readonly string[]>(
  options: O,
  d: O[number],
  label: string,
  help: string,
  panel?: PanelSpec,
): EnumField<O> => ({ kind: 'enum', options, default: d, label, help, panel });

/**
 * Every setting of a run, in the order links, files and the panel list them. The defaults
 * are those of the current share schema (v7, which are v5's); older schemas are changes of them (configVersions.ts).
 */
export const FIELDS = {
  algo: oneOf(
    ALGORITHM_NAMES,
    'mirl',
    'algorithm',
    'MIRL forks the top-k of N pre-sampled descriptions by MI; the others sample G complete trajectories: GRPO (answer reward only), Vision-SR1 (the policy re-answers from its description), RACRO (the frozen warm start answers from the description), Perception-R1 (F1 against the scene, the labelled upper bound), VPPO (the answer reward on the tokens that lean most on the image), Custom (your own reward, written in JavaScript).',
    { group: 'basic' },
  ),
  N: int(10, 2, 32, 'N pre-samples', 'MIRL: descriptions pre-sampled per prompt.', {
    panel: { group: 'basic', when: { field: 'algo', in: algorithmsWhere('group', 'forks') } },
    cpu: 4,
  }),
  k: int(6, 1, 32, 'k forks', 'MIRL: how many of the N, ranked by MI, are continued into answers.', {
    panel: { group: 'basic', when: { field: 'algo', in: algorithmsWhere('group', 'forks') } },
    cpu: 2,
  }),
  G: int(16, 2, 32, 'G trajectories', 'Complete trajectories per prompt (every algorithm but MIRL).', {
    panel: { group: 'basic', when: { field: 'algo', in: algorithmsWhere('group', 'trajectories') } },
    cpu: 4,
  }),
  estimator: oneOf(
    ESTIMATORS,
    'null',
    'MI estimator',
    'The pass without the image: no image tokens (null), a blank, noise or patch-shuffled image, or other images of the batch (contrastive).',
    { group: 'reward' },
  ),
  contrastiveK: int(
    3,
    1,
    16,
    'contrastive K',
    'Alternatives for the contrastive estimator (other images of the batch).',
    { panel: { group: 'reward', when: { field: 'estimator', in: ['contrastive'] } } },
  ),
  miScorer: oneOf(
    MI_SCORERS,
    'warmstart',
    'MI scored by',
    "Which model's two passes give the MI score: the policy being trained, or a frozen copy of the warm start (the policy then cannot move the scorer).",
    { group: 'reward' },
  ),
  miAgg: oneOf(MI_AGGS, 'sum', 'MI over tokens', "The MI score over a description's tokens: per-token mean or sum.", {
    group: 'reward',
  }),
  miClip: num(
    0,
    0,
    50,
    'MI clip per token (0 off)',
    "> 0: each token's pointwise MI is clamped to [-miClip, miClip] first; 0: no clip.",
    { group: 'reward', step: 0.5 },
  ),
  percGate: oneOf(
    PERC_GATES,
    'lowest',
    'malformed description',
    "Well-formedness gate: a description that does not parse into distinct, complete objects of the task language (or never closed) gets the group's lowest perception score ('lowest', strictly below every well-formed one) or the fixed gate floor ('floor'); 'off' scores it like any other.",
    { group: 'reward' },
  ),
  percGateFloor: num(
    -10,
    -1000,
    1000,
    'gate floor',
    "The perception score of a malformed description when the gate is 'floor'.",
    { group: 'reward', step: 1, when: { field: 'percGate', in: ['floor'] } },
  ),
  percNorm: oneOf(
    PERC_NORMS,
    'raw',
    'perception reward',
    'How MI scores become the perception reward: raw, z-scored or ranked within the group, or thresholded.',
    { group: 'reward' },
  ),
  percThreshold: num(
    0,
    -20,
    20,
    'perception threshold',
    "The MI above which a description earns 1 when the perception reward is 'threshold'.",
    { group: 'reward', step: 0.5, when: { field: 'percNorm', in: ['threshold'] } },
  ),
  percLabel: oneOf(
    PERC_LABELS,
    'f1',
    'labelled reward',
    "Perception-R1's perception reward against the scene's annotation: the description's object F1, exact match (1 or 0), or their sum.",
    { group: 'reward', when: { field: 'algo', in: algorithmsWhere('perception', 'labelled') } },
  ),
  vppoTopFrac: num(
    0.2,
    0.05,
    1,
    'VPPO token fraction',
    "VPPO: the fraction of each response's tokens, those with the highest visual dependency, that get gradient.",
    { group: 'reward', step: 0.05, when: { field: 'algo', in: algorithmsWithSetting('vppoTopFrac') } },
  ),
  vppoFloor: num(
    0.8,
    0,
    1,
    'VPPO advantage floor',
    "VPPO: each trajectory's advantage is scaled by its mean visual dependency, mapped to [floor, ...] with mean 1; 1 turns the scaling off.",
    { group: 'reward', step: 0.05, when: { field: 'algo', in: algorithmsWithSetting('vppoFloor') } },
  ),
  pearlProbeWeight: num(
    0.1,
    0,
    1,
    'PEARL probe loss weight',
    "PEARL: the weight of the probe rollouts' own loss (their advantages are multiplied by it).",
    { group: 'reward', step: 0.05, when: { field: 'algo', in: algorithmsWithSetting('pearlProbeWeight') } },
  ),
  percCredit: oneOf(
    PERC_CREDITS,
    'object',
    'perception credit',
    "Perception-R1: every description token carries the description's advantage ('sequence'), or the advantage of its own object phrase, separator or close, each right or wrong against the scene ('object').",
    { group: 'reward', when: { field: 'algo', in: algorithmsWhere('perception', 'labelled') } },
  ),
  rewardCode: {
    kind: 'code',
    default: '',
    maxLength: 20000,
    label: 'reward code',
    help: "The custom algorithm's rewards, in JavaScript: reward(input) gives the perception reward of one description, answerReward(input), where it is defined, the answer reward of one trajectory. It runs sandboxed (no clock, storage, network or page; a seeded Math.random), 100 ms and 16 MiB per call.",
  } as CodeField,
  rewardMI: {
    kind: 'bool',
    default: false,
    label: 'MI for the reward',
    help: "Custom: score every description's MI each step (an extra forward pass) and pass it to your reward as input.mi and input.builtins.mi; off, they are null.",
    panel: { group: 'reward', when: { field: 'algo', in: CUSTOM_REWARD_ALGOS } },
  } as BoolField,
  formatReward: num(0.1, 0, 1, 'format reward', 'Reward for a well-formed answer, added to the answer reward.', {
    group: 'reward',
    step: 0.05,
  }),
  lr: num(1e-4, 0, 0.1, 'learning rate', "AdamW's learning rate.", { group: 'basic', step: 0.0001 }),
  clipLow: num(0.2, 0, 1, 'clip low', 'The ratio is clipped below at 1 - clip low.', {
    group: 'optimiser',
    step: 0.01,
  }),
  clipHigh: num(0.28, 0, 10, 'clip high', 'The ratio is clipped above at 1 + clip high (DAPO: higher than clip low).', {
    group: 'optimiser',
    step: 0.01,
  }),
  beta: num(0, 0, 10, 'KL coefficient', 'KL coefficient to the frozen warm start (k3); 0 disables.', {
    group: 'optimiser',
    step: 0.01,
  }),
  advNormalize: oneOf(
    ['std', 'none'] as const,
    'std',
    'advantage',
    "'std': (R - mean) / (std + eps) within the group; 'none': R - mean (Dr.GRPO).",
    { group: 'optimiser' },
  ),
  // negative weights flip a reward's sign: the check that the loop optimises what it is given
  wPerc: num(1, -10, 10, 'perception weight', 'Weight of the perception advantage on description tokens.', {
    group: 'reward',
    step: 0.1,
  }),
  wAns: num(1, -10, 10, 'answer weight', 'Weight of the answer advantage.', { group: 'reward', step: 0.1 }),
  lossAgg: oneOf(
    ['token', 'sequence'] as const,
    'token',
    'loss mean over',
    'The loss averaged over all tokens of the batch, or per sequence first.',
    { group: 'optimiser' },
  ),
  batchPrompts: int(16, 1, 256, 'prompts / step', 'Prompts per step.', { panel: { group: 'basic' }, cpu: 1 }),
  promptPool: int(
    0,
    0,
    100000,
    'prompt pool (0 fresh)',
    '0: fresh prompts every step; n > 0: cycle through a fixed pool of the first n (a check that the update can fit them).',
    { panel: { group: 'optimiser' } },
  ),
  ppoEpochs: int(1, 1, 8, 'epochs / rollout', 'Passes over each rollout; > 1 lets the clipped ratio act.', {
    panel: { group: 'optimiser' },
  }),
  miniBatches: int(1, 1, 64, 'updates / epoch', "Updates per pass, the rollout's prompt groups split evenly.", {
    panel: { group: 'optimiser' },
  }),
  warmupSteps: int(0, 0, 100000, 'lr warm-up steps', 'Linear warm-up steps, then the learning-rate schedule.', {
    panel: { group: 'optimiser' },
  }),
  lrSchedule: oneOf(
    LR_SCHEDULES,
    'constant',
    'lr schedule',
    'After the warm-up: constant, or cosine decay to 10% over the steps.',
    { group: 'optimiser' },
  ),
  adamBeta2: num(0.99, 0.5, 0.99999, 'Adam beta2', "Adam's second-moment decay.", { group: 'optimiser', step: 0.001 }),
  dropFlatGroups: {
    kind: 'bool',
    default: false,
    label: 'drop flat groups',
    help: 'DAPO-style filter: a group whose rewards are all equal (per segment) is dropped from the update instead of diluting it.',
    panel: { group: 'optimiser' },
  } as BoolField,
  temperature: num(1, 0.05, 5, 'temperature', 'Sampling temperature of the rollouts.', {
    group: 'sampling',
    step: 0.05,
  }),
  topP: num(1, 0.05, 1, 'top-p', 'Nucleus mass kept when sampling; 1 keeps every token.', {
    group: 'sampling',
    step: 0.05,
  }),
  maxDescTokens: int(36, 4, 60, 'max description tokens', 'A description not closed within this many tokens is cut.', {
    panel: { group: 'sampling' },
  }),
  maxAnswerTokens: int(24, 4, 40, 'max answer tokens', 'An answer not closed within this many tokens is cut.', {
    panel: { group: 'sampling' },
  }),
  families: {
    kind: 'families',
    default: DEFAULT_FAMILIES,
    label: 'task families',
    help: 'The task families prompts are drawn from, in rotation. The grounding families (boxes: grounding, multi_grounding) start the run from the grounding warm start, which learned to write boxes.',
  } as FamiliesField,
  warmStart: oneOf(
    ['auto', ...WARM_STARTS] as const,
    'auto',
    'warm start',
    "The checkpoint the run starts from, which is also the frozen model of MIRL's warm-start MI scorer, RACRO's reasoner and the KL: auto takes the grounding warm start (tinyvlm-v1g, fine-tuned from the shipped one to write boxes) when the families include a grounding family, else the shipped tinyvlm-v1. Name one to compare arms from the same start.",
    { group: 'start' },
  ),
  knobs: {
    kind: 'knobs',
    default: DEFAULT_KNOBS,
    label: 'difficulty',
    help: 'Scene difficulty: objects per scene, noise, occlusion, jitter.',
  } as KnobsField,
  seed: int(1, 0, 2 ** 31 - 1, 'seed', 'Seeds the prompts, the sampling and everything random in the run.', {
    panel: { group: 'basic' },
  }),
  steps: int(60, 1, 100000, 'steps', 'Training steps.', { panel: { group: 'basic' }, cpu: 5 }),
  heldoutEvery: int(
    20,
    0,
    100000,
    'held-out every',
    'Held-out evaluation every this many steps (0 never), and after the last step.',
    { panel: { group: 'evaluation' }, cpu: 0 },
  ),
  heldoutCount: int(
    256,
    0,
    2000,
    'held-out problems',
    'Problems in the held-out set; its figures carry their standard error over these problems.',
    { panel: { group: 'evaluation' } },
  ),
  heldoutSamples: int(
    4,
    0,
    64,
    'held-out samples / problem',
    'Samples per held-out problem at the rollout temperature and top-p: the held-out figures are means over them (how VPPO and PEARL validate), with greedy decoding beside them. 0: greedy only.',
    { panel: { group: 'evaluation' } },
  ),
  heldoutSeed: int(
    4242,
    0,
    2 ** 31 - 1,
    'held-out seed',
    'Task seed of the held-out problems (apart from the training seed).',
    { panel: { group: 'evaluation' } },
  ),
  recordPrompts: int(2, 0, 64, 'recorded prompts / step', 'Prompts per step whose rollouts are recorded in full.', {
    panel: { group: 'evaluation' },
  }),
  // MIRL scores MI every step, since MI is its reward, and beta > 0 computes KL every step, since it is in the loss.
  metricEvery: int(
    10,
    0,
    100000,
    'extra-pass metrics every (0 never)',
    'Metrics that cost an extra forward pass (MI where it is not the reward, the KL to the warm start at beta = 0) are computed every this many steps.',
    { panel: { group: 'evaluation' } },
  ),
} as const;

export type Fields = typeof FIELDS;
type ValueOf<F> =
  F extends EnumField<infer O>
    ? O[number]
    : F extends IntField | NumField
      ? number
      : F extends BoolField
        ? boolean
        : F extends FamiliesField
          ? FamilyName[]
          : F extends CodeField
            ? string
            : SceneKnobs;

/** The RL run's configuration: everything a share URL must carry to reproduce a run. */
export type RLConfig = { -readonly [K in keyof Fields]: ValueOf<Fields[K]> };
export type FieldName = keyof RLConfig;

export const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];

/** The current defaults (share schema v7; v5 and v6 have the same). */
export const DEFAULT_RL: RLConfig = Object.fromEntries(
  FIELD_NAMES.map((k) => [k, structuredClone(FIELDS[k].default)]),
) as RLConfig;

/** The small settings the CPU reference backend can run in reasonable time. */
export const CPU_PRESET: Partial<RLConfig> = Object.fromEntries(
  FIELD_NAMES.flatMap((k) => {
    const f: Fields[FieldName] = FIELDS[k];
    return f.kind === 'int' && 'cpu' in f && f.cpu !== undefined ? [[k, f.cpu]] : [];
  }),
);

/** Each field as the config form labels it: the form and every message about a field use these words. */
export const FIELD_LABELS = Object.fromEntries(FIELD_NAMES.map((k) => [k, FIELDS[k].label])) as Record<
  FieldName,
  string
>;
