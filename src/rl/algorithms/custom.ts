// Custom: G complete trajectories per prompt, as Perception-R1's, with the perception
// reward (and, where the source defines answerReward, the answer reward) computed by the
// user's code in the sandbox from each trajectory's documented input (rl/customReward.ts).
// Decoupled as Perception-R1's, with sequence credit: the description's advantage on its tokens.

import type { TinyVLM } from '../../model/tinyvlm';
import { tokenizer } from '../../tasks/tokenizer';
import type { RLConfig } from '../config';
import { customRewardInput, customRewardOf, rewardSeed, type CustomRewardInput } from '../customReward';
import { groupedPerceptionRewards } from '../rewards';
import type { StepPrompts } from '../rollout';
import { SEG_PERC } from '../update';
import { decoupledSegments, fullRollout, fullTrajectories, type FullTrajectories } from './fullTrajectories';
import type { AlgoRollout } from './types';

/** Each row's MI terms where they were measured: the score and each description token's pointwise MI. */
function miTerms(f: FullTrajectories, i: number): CustomRewardInput['mi'] {
  if (!Number.isFinite(f.mi[i]) || f.depT === 0) return null;
  const at = i * f.depT + f.rows[i].prefixLen - 1;
  return { score: f.mi[i], perToken: Array.from(f.dep.subarray(at, at + f.desc[i].length)) };
}

export async function customRollout(
  model: TinyVLM,
  cfg: RLConfig,
  prompts: StepPrompts,
  step: number,
  scorer: TinyVLM = model,
): Promise<AlgoRollout> {
  // compiled before sampling: code that does not compile stops the run before any work
  const reward = await customRewardOf(cfg.rewardCode);
  // rewardMI: MI is measured every step, since the reward reads it
  const f = await fullTrajectories(model, cfg.rewardMI ? { ...cfg, metricEvery: 1 } : cfg, prompts, step, {
    scorer,
    scoring: 'metric',
  });
  const inputs = f.desc.map((d, i) =>
    customRewardInput(
      {
        problem: prompts.problems[Math.floor(i / cfg.G)],
        desc: tokenizer.decodeWords(d),
        closed: f.closed[i],
        completion: tokenizer.decodeWords(f.sampled.tokens[i]),
        mi: cfg.rewardMI ? miTerms(f, i) : null,
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
