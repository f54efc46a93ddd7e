// Each algorithm's code by its name: its rollout (the trainer's dispatch) and, where it has one, the reward
// check's hook. Apart from the rows (rows.ts) so the config, which reads the rows, never imports the rollouts,
// which read the config's type.

import { customRollout } from './custom';
import { grpoRollout } from './grpo';
import { mirlRollout } from './mirl';
import { pearlRollout } from './pearl';
import { perceptionR1Rollout } from './perceptionR1';
import { racroReward, racroRollout } from './racro';
import type { Algorithm } from './table';
import type { CheckReward, Rollout } from './types';
import { visionSr1Rollout } from './visionSr1';
import { vppoRollout } from './vppo';

export const ROLLOUTS: Readonly<Record<Algorithm, Rollout>> = {
  mirl: mirlRollout,
  grpo: grpoRollout,
  'vision-sr1': visionSr1Rollout,
  'perception-r1': perceptionR1Rollout,
  racro: racroRollout,
  pearl: pearlRollout,
  vppo: vppoRollout,
  custom: customRollout,
};

/**
 * The perception reward of descriptions for the reward check (rl/rewardCheck.ts), where the algorithm's is
 * deterministic and its own code (MI, labels and the user's code the check scores through the shared paths):
 * `scorer` is the checkpoint under test.
 */
export const CHECK_REWARDS: Partial<Readonly<Record<Algorithm, CheckReward>>> = {
  racro: (scorer, q, cfg) => racroReward(scorer, q, cfg, 0).then((r) => r.reward),
};
