// A toy algorithm for toy.test.ts, written as a new one would be: G complete trajectories, the answer advantage on
// the answer alone and nothing on the description (its perception advantage is 0). Its row is in the test.

import { SEG_PERC } from '../batch';
import { decoupledSegments, fullRollout, fullTrajectories } from './fullTrajectories';
import type { AlgoRollout, RolloutArgs } from './types';

export const toyRollout = async (args: RolloutArgs): Promise<AlgoRollout> => {
  const f = await fullTrajectories(args, { scoring: 'metric' });
  const untrained = f.desc.map(() => 0);
  return fullRollout(f, args.prompts, args.cfg, { seg: decoupledSegments(f), descSegment: SEG_PERC, rPerc: untrained });
};
