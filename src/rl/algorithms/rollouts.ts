// Each algorithm's rollout by its name: the trainer's dispatch. Apart from the rows (rows.ts) so the config,
// which reads the rows, never imports the rollouts, which read the config's type.

import { customRollout } from './custom';
import { grpoRollout } from './grpo';
import { mirlRollout } from './mirl';
import { pearlRollout } from './pearl';
import { perceptionR1Rollout } from './perceptionR1';
import { racroRollout } from './racro';
import type { Algorithm } from './table';
import type { Rollout } from './types';
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
