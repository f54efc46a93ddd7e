// Vision-SR1: G complete trajectories per prompt; the perception reward is
// whether the model, given only its own description (image removed), answers
// right. Decoupled advantages: perception on the description, answer on the rest.

import type { TinyVLM } from '../../model/tinyvlm';
import type { RLConfig } from '../config';
import { labelRow } from '../rewards';
import { ANS_END, DESC_END, sampleRows, type StepPrompts } from '../rollout';
import { SEG_ANS, SEG_NONE, SEG_PERC } from '../update';
import { fullTrajectories } from './fullTrajectories';
import type { AlgoRollout } from './types';

export async function visionSr1Rollout(model: TinyVLM, cfg: RLConfig, prompts: StepPrompts, step: number, scorer: TinyVLM = model): Promise<AlgoRollout> {
  const f = await fullTrajectories(model, cfg, prompts, step, scorer);
  const t0 = performance.now();
  const blind = f.rows.map((r, i) => ({ ...r, images: r.images.map(() => ({ kind: 'null' as const })), ids: [...r.ids, ...f.desc[i], DESC_END] }));
  // a separate RNG row range keeps re-answering independent of the trajectories
  const re = await sampleRows(model, blind, [], blind.map((_, i) => 1_000_000 + i), ANS_END, cfg.maxAnswerTokens, cfg, step);
  const G = cfg.G;
  const rPerc = f.rows.map((_, i) => {
    const p = prompts.problems[Math.floor(i / G)];
    return labelRow(p, f.desc[i], [...f.desc[i], DESC_END, ...re.tokens[i]]).answerRight ? 1 : 0;
  });
  const t1 = performance.now();
  return {
    batch: {
      G: prompts.rows.length, N: G,
      rows: f.rows.map((r, i) => ({ ...r, ids: [...r.ids, ...f.sampled.tokens[i]] })),
      images: prompts.images,
      seg: f.sampled.tokens.map((t, i) => t.map((_, j) => (j < f.desc[i].length ? SEG_PERC : j === f.desc[i].length && f.closed[i] ? SEG_PERC : f.closed[i] ? SEG_ANS : SEG_NONE))),
      rPerc,
      rAns: f.rAns,
      keep: f.rows.map(() => 1),
    },
    problems: prompts.problems, desc: f.desc, cont: f.cont, mi: f.mi, dep: f.dep, depT: f.depT, labels: f.labels,
    generatedTokens: f.sampled.tokens.reduce((a, t) => a + t.length, 0) + re.tokens.reduce((a, t) => a + t.length, 0),
    forwardTokens: f.sampled.forwardTokens + re.forwardTokens,
    metricForwardTokens: f.scoreForwardTokens,
    completeTrajectories: f.rows.length,
    phase: { sample: f.ms.sample, score: f.ms.score, fork: t1 - t0 },
  };
}
