// The part GRPO, Vision-SR1 and Perception-R1 share: G complete trajectories per
// prompt, split into description and continuation, labelled, and MI-scored for the
// metrics every `metricEvery` steps (MI plays no part in their updates).

import { withAdvantages, type TokenCredit } from '../advantages';
import type { RLConfig } from '../config';
import { metricStep } from '../schedule';
import { answerReward, labelRow } from '../rewards';
import { perceptionInput, scorePerception, type PerceptionScoring } from '../perception';
import { ANS_END, repeatRows, sampleRows, splitDescription, type SampleResult, type StepPrompts } from '../rollout';
import { SEG_ANS, SEG_NONE, SEG_PERC } from '../batch';
import type { AlgoRollout, RolloutArgs, RowLabel } from './types';

export interface FullTrajectories {
  rows: ReturnType<typeof repeatRows>;
  sampled: SampleResult;
  desc: number[][];
  closed: boolean[];
  cont: number[][];
  labels: RowLabel[];
  rAns: number[];
  mi: number[];
  /** The perception score (gated MI, or F1 for perception-r1) of each row. */
  percScore: number[];
  dep: Float32Array;
  depT: number;
  scoreForwardTokens: number;
  ms: { sample: number; score: number };
}

/**
 * `scoring`: F1 as the perception score ('labelled'), or MI measured on metric steps only ('metric').
 * `rowOffset`: where the rows' RNG lines start (another rollout of the same step draws apart);
 * `measureMI` false: never score MI (rollouts that are not the step's trajectories).
 */
export async function fullTrajectories(
  { model, cfg, prompts, step, scorer }: Omit<RolloutArgs, 'warmStart'>,
  {
    scoring,
    rowOffset = 0,
    measureMI = true,
  }: { scoring: Exclude<PerceptionScoring, 'mi'>; rowOffset?: number; measureMI?: boolean },
): Promise<FullTrajectories> {
  const G = cfg.G;
  const t0 = performance.now();
  const rows = repeatRows(prompts.rows, G);
  // MI is never these algorithms' reward: it is measured on metric steps
  const measure = measureMI && metricStep(cfg, step);
  // Scored by the policy itself, the real pass of MI is the sampler's own log-probs.
  const sampled = await sampleRows(
    model,
    { rows, images: prompts.images, rowIds: rows.map((_, i) => rowOffset + i) },
    {
      stop: ANS_END,
      maxNew: cfg.maxDescTokens + cfg.maxAnswerTokens + 1,
      cfg,
      step,
      logprobs: measure && scorer === model,
    },
  );
  const t1 = performance.now();
  const split = sampled.tokens.map(splitDescription);
  const cont = sampled.tokens.map((t, i) => (split[i].closed ? t.slice(split[i].desc.length + 1) : []));
  const promptOf = rows.map((_, i) => Math.floor(i / G));
  const labels = rows.map((_, i) => labelRow(prompts.problems[promptOf[i]], split[i].desc, sampled.tokens[i]));
  const inp = perceptionInput(prompts, rows, split, G, sampled.logp);
  const scores = await scorePerception(scorer, cfg, inp, step, { scoring, measureMI: measure });
  const t2 = performance.now();
  return {
    rows,
    sampled,
    desc: split.map((s) => s.desc),
    closed: split.map((s) => s.closed),
    cont,
    labels,
    rAns: labels.map((l) => answerReward(l, cfg)),
    mi: scores.mi,
    percScore: scores.score,
    dep: scores.dep,
    depT: scores.depT,
    scoreForwardTokens: scores.forwardTokens,
    ms: { sample: t1 - t0, score: t2 - t1 },
  };
}

/** Every generated token in the answer's segment (GRPO and the methods trained on the answer reward alone). */
export const answerSegments = (f: FullTrajectories): number[][] => f.sampled.tokens.map((t) => t.map(() => SEG_ANS));

/**
 * The decoupled segments of complete trajectories (Vision-SR1, Perception-R1):
 * the description and its </desc> get the perception advantage, the rest the
 * answer advantage; a description that never closed trains nothing after it.
 */
export function decoupledSegments(f: FullTrajectories): number[][] {
  return f.sampled.tokens.map((t, i) =>
    t.map((_, j) =>
      j < f.desc[i].length
        ? SEG_PERC
        : j === f.desc[i].length && f.closed[i]
          ? SEG_PERC
          : f.closed[i]
            ? SEG_ANS
            : SEG_NONE,
    ),
  );
}

/** How an algorithm trains complete trajectories: each token's segment, the segment a description's tokens carry, the perception rewards. */
export interface FullTraining {
  seg: number[][];
  descSegment: number;
  rPerc: number[];
  /** Perception-R1's object credit, in place of the row's perception advantage. */
  credit?: TokenCredit;
  /** What a re-answering pass added. */
  extra?: { generatedTokens: number; forwardTokens: number; fork: number };
}

/** The rollout of complete trajectories (G per prompt), with its advantages. */
export function fullRollout(
  f: FullTrajectories,
  prompts: StepPrompts,
  cfg: RLConfig,
  { seg, descSegment, rPerc, credit, extra = { generatedTokens: 0, forwardTokens: 0, fork: 0 } }: FullTraining,
): AlgoRollout {
  const batch = withAdvantages(
    {
      prompts: prompts.rows.length,
      perPrompt: cfg.G,
      rows: f.rows.map((r, i) => ({ ...r, ids: [...r.ids, ...f.sampled.tokens[i]] })),
      images: prompts.images,
      seg,
      rPerc,
      rAns: f.rAns,
      keep: f.rows.map(() => 1),
    },
    cfg,
    credit,
  );
  return {
    batch,
    problems: prompts.problems,
    desc: f.desc,
    descSegment,
    cont: f.cont,
    mi: f.mi,
    dep: f.dep,
    depT: f.depT,
    labels: f.labels,
    generatedTokens: f.sampled.tokens.reduce((a, t) => a + t.length, 0) + extra.generatedTokens,
    forwardTokens: f.sampled.forwardTokens + extra.forwardTokens,
    completeTrajectories: f.rows.length,
    phase: { sample: f.ms.sample, score: f.ms.score, fork: extra.fork },
  };
}
