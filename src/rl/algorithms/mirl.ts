// MIRL: pre-sample N descriptions per prompt, score them by MI (gated for
// well-formedness), keep the top k, fork only those into full trajectories;
// perception reward = the (normalised) score on every pre-sample's
// description, answer reward on the forks.

import type { TinyVLM } from '../../model/tinyvlm';
import { withAdvantages } from '../advantages';
import type { RLConfig } from '../config';
import { groupedPerceptionRewards, answerReward, labelRow } from '../rewards';
import { perceptionInput, scorePerception } from '../perception';
import { topKMask } from '../topK';
import type { SeqRow } from '../../model/inputs';
import {
  ANS_END,
  DESC_END,
  forkRows,
  repeatRows,
  sampleRows,
  splitDescription,
  type SampleResult,
  type StepPrompts,
} from '../rollout';
import { SEG_ANS, SEG_NONE, SEG_PERC } from '../batch';
import type { AlgoRollout, RolloutArgs } from './types';

/** `scorer` gives the MI score's passes: the policy itself or a frozen warm start. */
export async function mirlRollout(args: RolloutArgs): Promise<AlgoRollout> {
  const { model, cfg, prompts, step, scorer } = args;
  const N = cfg.N;
  const t0 = performance.now();
  const pre = repeatRows(prompts.rows, N);
  const rowIds = pre.map((_, i) => i);
  // Scored by the policy itself, the real pass of MI is the sampler's own log-probs.
  const ownScorer = scorer === model;
  // The sampling cache is kept so that the forks continue from it instead of prefilling again.
  const s1 = await sampleRows(
    model,
    { rows: pre, images: prompts.images, rowIds },
    { stop: DESC_END, maxNew: cfg.maxDescTokens, cfg, step, logprobs: ownScorer, keepCache: true },
  );
  try {
    return await scoreAndFork(model, cfg, prompts, step, { scorer, pre, rowIds, s1, t0, t1: performance.now() });
  } finally {
    if (s1.cache) model.freeCache(s1.cache.kv);
  }
}

/** Everything after sampling the descriptions: score, keep the top k, fork them from the cache, label. */
async function scoreAndFork(
  model: TinyVLM,
  cfg: RLConfig,
  prompts: StepPrompts,
  step: number,
  sampled: { scorer: TinyVLM; pre: SeqRow[]; rowIds: number[]; s1: SampleResult; t0: number; t1: number },
): Promise<AlgoRollout> {
  const { scorer, pre, rowIds, s1, t0, t1 } = sampled;
  const P = prompts.rows.length;
  const N = cfg.N;

  const split = s1.tokens.map(splitDescription);
  const inp = perceptionInput(prompts, pre, split, N, s1.logp);
  const { descRows, promptOf } = inp;
  const scores = await scorePerception(scorer, cfg, inp, step, { scoring: 'mi' });
  // The gate needs the parsed descriptions, so the scores are on the host
  // already: choosing 6 of 10 there saves a device round trip.
  const keep = topKMask(scores.score, P, N, cfg.k);
  const mi = scores.mi;
  const dep = scores.dep;
  const t2 = performance.now();

  // Fork: continue only the kept descriptions, closing any that ran out, from the sampling cache.
  const kept = keep.flatMap((k, i) => (k ? [i] : []));
  const s2 = await forkRows(
    model,
    s1.cache!,
    { prompts: pre, desc: split.map((s) => s.desc), pick: kept, rowIds: kept.map((i) => rowIds[i]) },
    { stop: ANS_END, maxNew: cfg.maxAnswerTokens, cfg, step },
  );
  const t3 = performance.now();

  const cont: number[][] = pre.map(() => []);
  kept.forEach((i, j) => (cont[i] = s2.tokens[j]));
  const labels = pre.map((_, i) => {
    const p = prompts.problems[promptOf[i]];
    return labelRow(p, split[i].desc, keep[i] ? [...split[i].desc, DESC_END, ...cont[i]] : null);
  });
  const rows = pre.map((r, i) => {
    const tail = keep[i] ? [DESC_END, ...cont[i]] : split[i].closed ? [DESC_END] : [];
    return { ...r, ids: [...descRows[i].ids, ...tail] };
  });
  const seg = pre.map((_, i) => {
    const s = split[i].desc.map(() => SEG_PERC);
    if (keep[i])
      s.push(split[i].closed ? SEG_PERC : SEG_NONE, ...cont[i].map(() => SEG_ANS)); // a forced </desc> is not trained on
    else if (split[i].closed) s.push(SEG_PERC);
    return s;
  });
  return {
    batch: withAdvantages(
      {
        prompts: P,
        perPrompt: N,
        rows,
        images: prompts.images,
        seg,
        rPerc: groupedPerceptionRewards(scores.score, N, cfg),
        rAns: labels.map((l, i) => (keep[i] ? answerReward(l, cfg) : 0)),
        keep,
      },
      cfg,
    ),
    problems: prompts.problems,
    desc: split.map((s) => s.desc),
    descSegment: SEG_PERC,
    cont,
    mi,
    dep,
    depT: scores.depT,
    labels,
    gated: cfg.percGate === 'off' ? undefined : scores.wellFormed.map((w) => !w),
    generatedTokens: s1.tokens.reduce((a, t) => a + t.length, 0) + s2.tokens.reduce((a, t) => a + t.length, 0),
    forwardTokens: s1.forwardTokens + scores.forwardTokens + s2.forwardTokens,
    completeTrajectories: kept.length,
    phase: { sample: t1 - t0, score: t2 - t1, fork: t3 - t2 },
  };
}
