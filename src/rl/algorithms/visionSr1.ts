// Vision-SR1: G complete trajectories per prompt; the perception reward is
// whether the model, given only its own description (image removed), answers
// right. Decoupled advantages: perception on the description, answer on the rest.

import { blindAnswers, reanswerRollout } from './reanswer';
import type { AlgoRollout, RolloutArgs } from './types';

export function visionSr1Rollout(args: RolloutArgs): Promise<AlgoRollout> {
  return reanswerRollout(args, (q) => blindAnswers(args.model, q, args.cfg, args.step, false));
}
