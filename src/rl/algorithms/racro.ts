// RACRO: G complete trajectories per prompt; the perception reward is whether a frozen
// reasoner (the warm start, never updated) answers right from the description alone, with
// no image, greedily. Beside Vision-SR1, where the moving policy re-answers by sampling,
// the reward does not drift with the policy, is deterministic (so the reward check can
// score it), and a description earns it only by carrying what an unchanged reader needs.
// Decoupled advantages: perception on the description, answer on the rest.

import type { TinyVLM } from '../../model/tinyvlm';
import type { RLConfig } from '../config';
import { blindAnswers, reanswerRollout, type BlindAnswers } from './reanswer';
import type { AlgoRollout, BlindQuestions, RolloutArgs } from './types';

/** RACRO's perception reward: 1 where the frozen reasoner, reading a description alone, answers right (greedy). */
export const racroReward = (reasoner: TinyVLM, q: BlindQuestions, cfg: RLConfig, step: number): Promise<BlindAnswers> =>
  blindAnswers(reasoner, q, cfg, step, true);

export function racroRollout(args: RolloutArgs): Promise<AlgoRollout> {
  const { warmStart } = args;
  if (!warmStart) throw new Error('racro needs the frozen warm start as its reasoner');
  return reanswerRollout(args, (q) => racroReward(warmStart, q, args.cfg, args.step));
}
