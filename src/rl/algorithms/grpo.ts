// GRPO: G complete trajectories per prompt, one group-normalised advantage
// from the answer reward on every generated token, the description included:
// where reward blindness lives.

import type { TinyVLM } from '../../model/tinyvlm';
import type { RLConfig } from '../config';
import type { StepPrompts } from '../rollout';
import { SEG_ANS } from '../update';
import { fullTrajectories } from './fullTrajectories';
import type { AlgoRollout } from './types';

export async function grpoRollout(model: TinyVLM, cfg: RLConfig, prompts: StepPrompts, step: number, scorer: TinyVLM = model): Promise<AlgoRollout> {
  const f = await fullTrajectories(model, cfg, prompts, step, scorer);
  return {
    batch: {
      G: prompts.rows.length, N: cfg.G,
      rows: f.rows.map((r, i) => ({ ...r, ids: [...r.ids, ...f.sampled.tokens[i]] })),
      images: prompts.images,
      seg: f.sampled.tokens.map((t) => t.map(() => SEG_ANS)),
      rPerc: f.rows.map(() => 0),
      rAns: f.rAns,
      keep: f.rows.map(() => 1),
    },
    problems: prompts.problems, desc: f.desc, cont: f.cont, mi: f.mi, dep: f.dep, depT: f.depT, labels: f.labels,
    generatedTokens: f.sampled.tokens.reduce((a, t) => a + t.length, 0),
    forwardTokens: f.sampled.forwardTokens,
    metricForwardTokens: f.scoreForwardTokens,
    completeTrajectories: f.rows.length,
    phase: { sample: f.ms.sample, score: f.ms.score, fork: 0 },
  };
}
