// Custom: G complete trajectories per prompt, as Perception-R1's, with the perception
// reward (and, where the source defines answerReward, the answer reward) computed by the
// user's code in the sandbox from each trajectory's documented input (rl/customReward.ts).
// Decoupled as Perception-R1's, with sequence credit: the description's advantage on its tokens.

import { tokenizer } from '../../tasks/tokenizer';
import { customRewardInput, customRewardOf, rewardMITerms, rewardSeed, type RewardMI } from '../customReward';
import { perceptionInput } from '../perception';
import { groupedPerceptionRewards } from '../rewards';
import { SEG_PERC } from '../batch';
import { decoupledSegments, fullRollout, fullTrajectories } from './fullTrajectories';
import type { AlgoRollout, RolloutArgs } from './types';

export async function customRollout(args: RolloutArgs): Promise<AlgoRollout> {
  const { model, cfg, prompts, step, scorer } = args;
  // compiled before sampling: code that does not compile stops the run before any work
  const reward = await customRewardOf(cfg.rewardCode);
  // rewardMI: MI is measured every step, since the reward reads it
  const f = await fullTrajectories(cfg.rewardMI ? { ...args, cfg: { ...cfg, metricEvery: 1 } } : args, {
    scoring: 'metric',
  });
  // the MI terms where the reward reads them: the score, and per token the two log-probs and their difference
  let mi: (RewardMI | null)[] = f.desc.map(() => null);
  if (cfg.rewardMI) {
    const split = f.desc.map((desc, i) => ({ desc, closed: f.closed[i] }));
    const inp = perceptionInput(prompts, f.rows, split, cfg.G, scorer === model ? f.sampled.logp : undefined);
    mi = await rewardMITerms(scorer, cfg, inp, step, f, inp.realLogp);
  }
  const inputs = f.desc.map((d, i) =>
    customRewardInput(
      {
        problem: prompts.problems[Math.floor(i / cfg.G)],
        desc: tokenizer.decodeWords(d),
        closed: f.closed[i],
        completion: tokenizer.decodeWords(f.sampled.tokens[i]),
        mi: mi[i],
      },
      { step, trajectory: i, formatReward: cfg.formatReward },
    ),
  );
  const n = inputs.length;
  const perc = reward.score(
    inputs,
    inputs.map((_, i) => rewardSeed(cfg.seed, step, i)),
  );
  const rAns = reward.hasAnswerReward
    ? reward.score(
        inputs,
        inputs.map((_, i) => rewardSeed(cfg.seed, step, n + i)),
        'answerReward',
      )
    : f.rAns;
  return fullRollout({ ...f, rAns }, prompts, cfg, {
    seg: decoupledSegments(f),
    descSegment: SEG_PERC,
    rPerc: groupedPerceptionRewards(perc, cfg.G, cfg),
  });
}
