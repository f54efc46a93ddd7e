// Re-answering from a description alone, the image removed: the perception reward of
// Vision-SR1 (the policy re-answers, sampled at the rollout temperature) and of RACRO (a
// frozen reasoner, the warm start, answers greedily). 1 when that answer is right.

import type { TinyVLM } from '../../model/tinyvlm';
import type { RLConfig } from '../config';
import { labelRow } from '../rewards';
import { ANS_END, DESC_END, sampleRows } from '../rollout';
import { SEG_PERC } from '../batch';
import { decoupledSegments, fullRollout, fullTrajectories } from './fullTrajectories';
import type { AlgoRollout, BlindQuestions, RolloutArgs } from './types';

export interface BlindAnswers {
  /** Per row: 1 when the answer from the description alone is right, else 0. */
  reward: number[];
  generatedTokens: number;
  forwardTokens: number;
}

/**
 * `rows[i]` is the prompt of description `desc[i]` (question `problems[i]`); the answerer sees the
 * prompt with every image removed, then the description and </desc>. Greedy, or sampled with the
 * config's temperature and top-p on RNG rows of their own (so trajectories are not disturbed).
 */
export async function blindAnswers(
  answerer: TinyVLM,
  q: BlindQuestions,
  cfg: Pick<RLConfig, 'temperature' | 'topP' | 'seed' | 'maxAnswerTokens'>,
  step: number,
  greedy: boolean,
): Promise<BlindAnswers> {
  const blind = q.rows.map((r, i) => ({
    ...r,
    images: r.images.map(() => ({ kind: 'null' as const })),
    ids: [...r.ids, ...q.desc[i], DESC_END],
  }));
  const re = await sampleRows(
    answerer,
    { rows: blind, images: [], rowIds: blind.map((_, i) => 1_000_000 + i) },
    { stop: ANS_END, maxNew: cfg.maxAnswerTokens, cfg: greedy ? { ...cfg, temperature: 0, topP: 1 } : cfg, step },
  );
  return {
    reward: q.rows.map((_, i) =>
      labelRow(q.problems[i], q.desc[i], [...q.desc[i], DESC_END, ...re.tokens[i]]).answerRight ? 1 : 0,
    ),
    generatedTokens: re.tokens.reduce((a, t) => a + t.length, 0),
    forwardTokens: re.forwardTokens,
  };
}

/**
 * The rollout of both: G complete trajectories per prompt, decoupled (perception on the description,
 * answer on the rest), the perception reward from `answerer` re-answering each description blind.
 */
export async function reanswerRollout(
  args: RolloutArgs,
  answer: (q: BlindQuestions) => Promise<BlindAnswers>,
): Promise<AlgoRollout> {
  const { cfg, prompts } = args;
  const f = await fullTrajectories(args, { scoring: 'metric' });
  const t0 = performance.now();
  const problems = f.rows.map((_, i) => prompts.problems[Math.floor(i / cfg.G)]);
  const re = await answer({ rows: f.rows, desc: f.desc, problems });
  const t1 = performance.now();
  return fullRollout(f, prompts, cfg, {
    seg: decoupledSegments(f),
    descSegment: SEG_PERC,
    rPerc: re.reward,
    extra: { generatedTokens: re.generatedTokens, forwardTokens: re.forwardTokens, fork: t1 - t0 },
  });
}
