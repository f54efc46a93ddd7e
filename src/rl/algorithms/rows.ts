// The algorithms' rows: what the config, the panel, the views, the recipes and the scripts know of an
// algorithm besides its rollout, which rollouts.ts maps to each name. Plain data that imports nothing, so the
// config builds its fields from it and no module reaches itself through it (src/layers.test.ts).

/**
 * What rewards a description: nothing of its own, its MI, the policy's sampled re-answer without the
 * image, a frozen reasoner's greedy answer from it alone, the policy's answers to perception probes, labels,
 * or the user's own code (the config's rewardCode).
 */
type PerceptionReward = 'none' | 'mi' | 're-answer' | 'reasoner' | 'probe' | 'labelled' | 'custom';

export interface AlgorithmRow {
  /** How the panel, the run labels and the reports name it. */
  label: string;
  /**
   * Its group of rows per prompt: 'forks', N pre-sampled descriptions of which k are continued
   * (config N and k), or 'trajectories', G complete ones (config G).
   */
  group: 'forks' | 'trajectories';
  perception: PerceptionReward;
  /** What R_perc is, as the rollout view says it. */
  percHelp: string;
  /** Its rollout reads the frozen warm start (so the trainer keeps one whatever the KL and MI settings). */
  warmStart?: boolean;
  /**
   * The config's settings that only it reads: the panel shows them when it is picked (`algorithmsWithSetting`).
   * Names, not `keyof RLConfig`: the config's type is built from this table (table.test checks each is a field).
   */
  settings?: readonly string[];
  /**
   * Its update needs generations or forward passes of its own (probe rollouts, an image-dependency mask), which
   * verl and EasyR1 do not expose: its recipe names that as a gap (rl/recipe).
   */
  passesInUpdate?: boolean;
  /**
   * Its arm in the teaching comparison (rl/comparison.ts) and the experiment scripts (scripts/experiments.sh):
   * the settings it runs at beside the base config (names as in `settings`), and `core` for the three every
   * comparison runs; `reference` for the arm every other is judged against (and the task arms build on). The
   * arm's id is the algorithm's name, its name the label; rows without one are not compared. Arms come in the
   * table's order, the reference first. `lesson`: its part in the teaching view's lesson (src/ui/TeachingView.tsx),
   * 'method' for the method taught (MIRL), 'bound' for the labelled upper bound (Perception-R1); the reference is
   * the baseline it beats.
   */
  arm?: {
    config: Readonly<Record<string, number | string>>;
    core?: boolean;
    reference?: boolean;
    lesson?: 'method' | 'bound';
  };
  /** The experiment's further sizes of it (scripts/experiments.sh, through scripts/experiment-arms.ts), beside its arm. */
  experimentArms?: readonly Readonly<Record<string, number | string>>[];
  /** Its sizes in the RL step benchmark (scripts/bench/rlStep.ts), beside the v4 defaults; unbenched without. */
  bench?: Readonly<Record<string, number | string>>;
  /** Its colour in the teaching view's charts and forest plot (its arm, whose id is its name: src/ui/TeachingView.tsx). */
  colour: string;
}

export const ALGORITHM_TABLE = {
  mirl: {
    label: 'MIRL',
    group: 'forks',
    perception: 'mi',
    percHelp: 'perception reward: the MI score (gated for malformed descriptions), normalised as the config says',
    arm: { config: { N: 10, k: 6, miScorer: 'warmstart' }, core: true, lesson: 'method' },
    experimentArms: [{ N: 10, k: 6, miScorer: 'policy' }],
    bench: {},
    colour: '#2563eb',
  },
  grpo: {
    label: 'GRPO',
    group: 'trajectories',
    perception: 'none',
    percHelp: 'GRPO has no perception reward: its descriptions carry the answer advantage',
    arm: { config: { G: 16 }, core: true, reference: true },
    experimentArms: [{ G: 6 }],
    bench: { G: 6 },
    colour: '#dc2626',
  },
  'perception-r1': {
    label: 'Perception-R1',
    group: 'trajectories',
    perception: 'labelled',
    percHelp: "perception reward: the description's object F1 (or exact match) against the scene's annotation",
    arm: { config: { G: 6 }, core: true, lesson: 'bound' },
    bench: { G: 6 },
    colour: '#16a34a',
  },
  racro: {
    label: 'RACRO',
    group: 'trajectories',
    perception: 'reasoner',
    percHelp:
      'perception reward: 1 when the frozen warm start, reading the description alone (no image), answers right (greedy)',
    warmStart: true,
    arm: { config: { G: 6 } },
    bench: { G: 6 },
    colour: '#b45309',
  },
  pearl: {
    label: 'PEARL',
    group: 'trajectories',
    perception: 'probe',
    percHelp:
      "R_perc is the group's probe accuracy: its share of right answers to a perception sub-question of the scene (PEARL's checklist); it scales the answer advantage (at least 0.5x), and a group with none right is trimmed",
    settings: ['pearlProbeWeight'],
    passesInUpdate: true,
    arm: { config: { G: 5 } },
    bench: { G: 5 },
    colour: '#0e7490',
  },
  vppo: {
    label: 'VPPO',
    group: 'trajectories',
    perception: 'none',
    percHelp:
      "VPPO has no perception reward: the answer advantage trains only each response's most image-dependent tokens, scaled by its mean dependency",
    settings: ['vppoTopFrac', 'vppoFloor'],
    passesInUpdate: true,
    arm: { config: { G: 8 } },
    bench: { G: 8 },
    colour: '#7c3aed',
  },
  'vision-sr1': {
    label: 'Vision-SR1',
    group: 'trajectories',
    perception: 're-answer',
    percHelp: 'perception reward: 1 when the policy answers right from its own description with the image removed',
    arm: { config: { G: 6 } },
    bench: { G: 6 },
    colour: '#be185d',
  },
  custom: {
    label: 'Custom',
    group: 'trajectories',
    perception: 'custom',
    percHelp:
      "perception reward: what your code's reward(input) returned for the description, normalised as the config says",
    colour: '#a16207',
  },
} as const satisfies Record<string, AlgorithmRow>;
