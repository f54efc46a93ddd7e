// GRPO: G complete trajectories per prompt, one group-normalised advantage
// from the answer reward on every generated token, the description included:
// where reward blindness lives.

import { SEG_ANS } from '../batch';
import { answerSegments, fullRollout, fullTrajectories } from './fullTrajectories';
import type { AlgoRollout, RolloutArgs } from './types';

export async function grpoRollout(args: RolloutArgs): Promise<AlgoRollout> {
  const f = await fullTrajectories(args, { scoring: 'metric' });
  return fullRollout(f, args.prompts, args.cfg, {
    seg: answerSegments(f),
    descSegment: SEG_ANS,
    rPerc: f.rows.map(() => 0),
  });
}
