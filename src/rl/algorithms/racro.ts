// RACRO: G complete trajectories per prompt; the perception reward is whether a frozen
// reasoner (the warm start, never updated) answers right from the description alone, with
// no image, greedily. Beside Vision-SR1, where the moving policy re-answers by sampling,
// the reward does not drift with the policy, is deterministic (so the reward check can
// score it), and a description earns it only by carrying what an unchanged reader needs.
// Decoupled advantages: perception on the description, answer on the rest.

import type { TinyVLM } from '../../model/tinyvlm';
import type { RLConfig } from '../config';
import type { StepPrompts } from '../rollout';
import { reanswerRollout } from './reanswer';
import type { AlgoRollout } from './types';

export function racroRollout(
  model: TinyVLM,
  cfg: RLConfig,
  prompts: StepPrompts,
  step: number,
  scorer: TinyVLM,
  warmStart: TinyVLM | null,
): Promise<AlgoRollout> {
  if (!warmStart) throw new Error('racro needs the frozen warm start as its reasoner');
  return reanswerRollout(model, cfg, prompts, step, { scorer, answerer: warmStart, greedy: true });
}
