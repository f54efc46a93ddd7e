// The algorithms, one row each: everything the trainer, the config panel, the link, the
// views and the reports need to know about an algorithm besides its rollout file. Adding
// one is its file here and its row below; nothing else tests an algorithm's name.
// The rollout files never import this table (or rl/config at run time), so the config
// can build its fields from it.

import type { TinyVLM } from '../../model/tinyvlm';
import type { RLConfig } from '../config';
import type { StepPrompts } from '../rollout';
import { customRollout } from './custom';
import { grpoRollout } from './grpo';
import { mirlRollout } from './mirl';
import { pearlRollout } from './pearl';
import { perceptionR1Rollout } from './perceptionR1';
import { racroRollout } from './racro';
import type { AlgoRollout } from './types';
import { visionSr1Rollout } from './visionSr1';
import { vppoRollout } from './vppo';

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
  /** Its colour in the Teaching tab's charts and forest plot. */
  teachingColour?: string;
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
   * One step's rollout: its batch with per-token advantages, the records' inputs and counts. `scorer`
   * gives MI's passes; `warmStart` is the frozen warm start where the trainer keeps one.
   */
  rollout(
    model: TinyVLM,
    cfg: RLConfig,
    prompts: StepPrompts,
    step: number,
    scorer: TinyVLM,
    warmStart: TinyVLM | null,
  ): Promise<AlgoRollout>;
}

export const ALGORITHM_TABLE = {
  mirl: {
    label: 'MIRL',
    group: 'forks',
    perception: 'mi',
    percHelp: 'perception reward: the MI score (gated for malformed descriptions), normalised as the config says',
    teachingColour: '#2563eb',
    rollout: mirlRollout,
  },
  grpo: {
    label: 'GRPO',
    group: 'trajectories',
    perception: 'none',
    percHelp: 'GRPO has no perception reward: its descriptions carry the answer advantage',
    teachingColour: '#dc2626',
    rollout: grpoRollout,
  },
  'vision-sr1': {
    label: 'Vision-SR1',
    group: 'trajectories',
    perception: 're-answer',
    percHelp: 'perception reward: 1 when the policy answers right from its own description with the image removed',
    teachingColour: '#be185d',
    rollout: visionSr1Rollout,
  },
  'perception-r1': {
    label: 'Perception-R1',
    group: 'trajectories',
    perception: 'labelled',
    percHelp: "perception reward: the description's object F1 (or exact match) against the scene's annotation",
    teachingColour: '#16a34a',
    rollout: perceptionR1Rollout,
  },
  racro: {
    label: 'RACRO',
    group: 'trajectories',
    perception: 'reasoner',
    percHelp:
      'perception reward: 1 when the frozen warm start, reading the description alone (no image), answers right (greedy)',
    warmStart: true,
    teachingColour: '#b45309',
    rollout: racroRollout,
  },
  pearl: {
    label: 'PEARL',
    group: 'trajectories',
    perception: 'probe',
    percHelp:
      "R_perc is the group's probe accuracy: its share of right answers to a perception sub-question of the scene (PEARL's checklist); it scales the answer advantage (at least 0.5x), and a group with none right is trimmed",
    settings: ['pearlProbeWeight'],
    passesInUpdate: true,
    teachingColour: '#0e7490',
    rollout: pearlRollout,
  },
  vppo: {
    label: 'VPPO',
    group: 'trajectories',
    perception: 'none',
    percHelp:
      "VPPO has no perception reward: the answer advantage trains only each response's most image-dependent tokens, scaled by its mean dependency",
    settings: ['vppoTopFrac', 'vppoFloor'],
    passesInUpdate: true,
    teachingColour: '#7c3aed',
    rollout: vppoRollout,
  },
  custom: {
    label: 'Custom',
    group: 'trajectories',
    perception: 'custom',
    percHelp:
      "perception reward: what your code's reward(input) returned for the description, normalised as the config says",
    teachingColour: '#a16207',
    rollout: customRollout,
  },
} as const satisfies Record<string, AlgorithmRow>;

export type Algorithm = keyof typeof ALGORITHM_TABLE;
export const ALGORITHM_NAMES = Object.keys(ALGORITHM_TABLE) as Algorithm[];

/** The row of an algorithm's name, or undefined for a name not in the table (a file from elsewhere). */
export const findAlgorithm = (name: string): AlgorithmRow | undefined =>
  Object.hasOwn(ALGORITHM_TABLE, name) ? ALGORITHM_TABLE[name as Algorithm] : undefined;

/** The row of a config's algorithm (configs are validated, so the name is in the table; if not, a clear error). */
export function algorithmOf(cfg: Pick<RLConfig, 'algo'>): AlgorithmRow {
  const row = findAlgorithm(cfg.algo);
  if (!row) throw new Error(`unknown algorithm "${cfg.algo}": one of ${ALGORITHM_NAMES.join(', ')}`);
  return row;
}

/** The names of the algorithms whose row has `key` = `value` (the panel's rules of which fields to show). */
export const algorithmsWhere = <K extends 'group' | 'perception'>(key: K, value: AlgorithmRow[K]): Algorithm[] =>
  ALGORITHM_NAMES.filter((a) => ALGORITHM_TABLE[a][key] === value);

/** The names of the algorithms whose row owns the config setting `field` (the panel shows it for them alone). */
export const algorithmsWithSetting = (field: string): Algorithm[] =>
  ALGORITHM_NAMES.filter((a) => findAlgorithm(a)?.settings?.includes(field));

/** A run's group size as its label says it: "N10 k6" or "G16". */
export const groupLabel = (c: Pick<RLConfig, 'algo' | 'N' | 'k' | 'G'>): string =>
  algorithmOf(c).group === 'forks' ? `N${c.N} k${c.k}` : `G${c.G}`;
