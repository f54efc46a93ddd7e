// GRPO: G complete trajectories per prompt, one group-normalised advantage
// from the answer reward on every generated token, the description included:
// where reward blindness lives.

import type { TinyVLM } from '../../model/tinyvlm';
import type { RLConfig } from '../config';
import type { StepPrompts } from '../rollout';
import { SEG_ANS } from '../batch';
import { answerSegments, fullRollout, fullTrajectories } from './fullTrajectories';
import type { AlgoRollout } from './types';

export async function grpoRollout(
  model: TinyVLM,
  cfg: RLConfig,
  prompts: StepPrompts,
  step: number,
  scorer: TinyVLM = model,
): Promise<AlgoRollout> {
  const f = await fullTrajectories(model, cfg, prompts, step, { scorer, scoring: 'metric' });
  return fullRollout(f, prompts, cfg, { seg: answerSegments(f), descSegment: SEG_ANS, rPerc: f.rows.map(() => 0) });
}
