// Perception-R1: G complete trajectories per prompt; the perception reward is
// the description's object-level F1 against the scene's ground-truth
// annotation (the labelled upper bound an MI reward approximates without
// labels), decoupled as MIRL's is: perception advantage on the description,
// answer advantage on the rest. No forking.

import { descriptionCredit } from '../../tasks/descriptionCredit';
import { tokenizer } from '../../tasks/tokenizer';
import { creditAdvantages } from '../objectCredit';
import { groupedPerceptionRewards } from '../rewards';
import { SEG_PERC } from '../batch';
import { decoupledSegments, fullRollout, fullTrajectories } from './fullTrajectories';
import type { AlgoRollout, RolloutArgs } from './types';

export async function perceptionR1Rollout(args: RolloutArgs): Promise<AlgoRollout> {
  const { cfg, prompts } = args;
  const f = await fullTrajectories(args, { scoring: 'labelled' });
  const credit =
    cfg.percCredit === 'object'
      ? creditAdvantages(
          f.desc.map((d, i) =>
            descriptionCredit(tokenizer.decodeWords(d), f.closed[i], prompts.problems[Math.floor(i / cfg.G)]),
          ),
          cfg.G,
          cfg,
        )
      : undefined;
  return fullRollout(f, prompts, cfg, {
    seg: decoupledSegments(f),
    descSegment: SEG_PERC,
    rPerc: groupedPerceptionRewards(f.percScore, cfg.G, cfg),
    credit: credit && { perToken: credit, descLen: f.desc.map((d) => d.length) },
  });
}
