// RACRO: G complete trajectories per prompt; the perception reward is whether a frozen
// reasoner (the warm start, never updated) answers right from the description alone, with
// no image, greedily. Beside Vision-SR1, where the moving policy re-answers by sampling,
// the reward does not drift with the policy, is deterministic (so the reward check can
// score it), and a description earns it only by carrying what an unchanged reader needs.
// Decoupled advantages: perception on the description, answer on the rest.

import { reanswerRollout } from './reanswer';
import type { AlgoRollout, RolloutArgs } from './types';

export function racroRollout(args: RolloutArgs): Promise<AlgoRollout> {
  if (!args.warmStart) throw new Error('racro needs the frozen warm start as its reasoner');
  return reanswerRollout(args, { answerer: args.warmStart, greedy: true });
}
