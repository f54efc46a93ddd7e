// Vision-SR1: G complete trajectories per prompt; the perception reward is
// whether the model, given only its own description (image removed), answers
// right. Decoupled advantages: perception on the description, answer on the rest.

import type { TinyVLM } from '../../model/tinyvlm';
import type { RLConfig } from '../config';
import type { StepPrompts } from '../rollout';
import { reanswerRollout } from './reanswer';
import type { AlgoRollout } from './types';

export function visionSr1Rollout(
  model: TinyVLM,
  cfg: RLConfig,
  prompts: StepPrompts,
  step: number,
  scorer: TinyVLM = model,
): Promise<AlgoRollout> {
  return reanswerRollout(model, cfg, prompts, step, { scorer, answerer: model, greedy: false });
}
