// The part GRPO and Vision-SR1 share: G complete trajectories per prompt,
// split into description and continuation, labelled, and MI-scored for the
// metrics (MI plays no part in their updates).

import type { TinyVLM } from '../../model/tinyvlm';
import type { RLConfig } from '../config';
import { answerReward, labelRow } from '../rewards';
import { ANS_END, repeatRows, sampleRows, scoreDescriptions, splitDescription, type SampleResult, type StepPrompts } from '../rollout';
import type { RowLabel } from './types';

export interface FullTrajectories {
  rows: ReturnType<typeof repeatRows>;
  sampled: SampleResult;
  desc: number[][];
  closed: boolean[];
  cont: number[][];
  labels: RowLabel[];
  rAns: number[];
  mi: number[];
  dep: Float32Array;
  depT: number;
  scoreForwardTokens: number;
  ms: { sample: number; score: number };
}

export async function fullTrajectories(model: TinyVLM, cfg: RLConfig, prompts: StepPrompts, step: number, scorer: TinyVLM = model): Promise<FullTrajectories> {
  const be = model.be, G = cfg.G;
  const t0 = performance.now();
  const rows = repeatRows(prompts.rows, G);
  const sampled = await sampleRows(model, rows, prompts.images, rows.map((_, i) => i), ANS_END, cfg.maxDescTokens + cfg.maxAnswerTokens + 1, cfg, step);
  const t1 = performance.now();
  const split = sampled.tokens.map(splitDescription);
  const cont = sampled.tokens.map((t, i) => (split[i].closed ? t.slice(split[i].desc.length + 1) : []));
  const promptOf = rows.map((_, i) => Math.floor(i / G));
  const labels = rows.map((_, i) => labelRow(prompts.problems[promptOf[i]], split[i].desc, sampled.tokens[i]));
  const descRows = rows.map((r, i) => ({ ...r, ids: [...r.ids, ...split[i].desc] }));
  const scores = scoreDescriptions(scorer, descRows, prompts.images, prompts.promptImages, promptOf, cfg, step);
  const mi = Array.from(await be.read(scores.mi));
  const dep = await be.read(scores.dep);
  be.free(scores.mi);
  be.free(scores.dep);
  const t2 = performance.now();
  return {
    rows, sampled, desc: split.map((s) => s.desc), closed: split.map((s) => s.closed), cont, labels,
    rAns: labels.map((l) => answerReward(l, cfg)), mi, dep, depT: scores.T, scoreForwardTokens: scores.forwardTokens,
    ms: { sample: t1 - t0, score: t2 - t1 },
  };
}

