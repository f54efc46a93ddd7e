// Shared rollout machinery the algorithms' rollouts (algorithms/) build on: a step's prompts, sampling (keeping
// the KV cache where forks continue from it), forking, splitting a description from its answer, and MI scoring.
// Which rollout runs is the trainer's dispatch (algorithms/rollouts.ts); the batch and its advantages are put
// together in algorithms/fullTrajectories.ts (or MIRL's file) with rl/advantages.ts.

import type { ModelConfig } from '../model/config';
import { collate, problemExample } from '../model/examples';
import { continueCached, generate, type CachedRows, type Generated } from '../model/generate';
import { maxLen, type SeqRow } from '../model/inputs';
import { scoreMI, type MIScores } from '../model/score';
import type { TinyVLM } from '../model/tinyvlm';
import { Streams } from '../lib/rng';
import { generateProblem, type Problem } from '../tasks/problem';
import { ANS_END, DESC_END } from '../tasks/tokenizer';
import type { RLConfig } from './config';
import { alternativePasses } from './estimators';

export { ANS_END, DESC_END };

/** The task seed of RL prompts: a function of the run seed, apart from the warm start's data. */
const rlTaskSeed = (seed: number) => (Math.imul(seed, 7919) + 100003) >>> 0;

export interface StepPrompts {
  problems: Problem[];
  /** One row per prompt (prompt tokens, real images) and the batch's images. */
  rows: SeqRow[];
  images: Float32Array[];
  /** Per prompt, the indices of its images in `images`. */
  promptImages: number[][];
}

export function stepPrompts(
  model: TinyVLM,
  cfg: Pick<RLConfig, 'seed' | 'promptPool' | 'batchPrompts' | 'families' | 'knobs'>,
  step: number,
): StepPrompts {
  const seed = rlTaskSeed(cfg.seed);
  const index = (i: number) =>
    cfg.promptPool > 0 ? (step * cfg.batchPrompts + i) % cfg.promptPool : step * cfg.batchPrompts + i;
  const problems = Array.from({ length: cfg.batchPrompts }, (_, i) =>
    generateProblem(seed, index(i), { families: cfg.families, knobs: cfg.knobs }),
  );
  return promptsOf(problems, model.config);
}

/** Problems as prompt rows (one per problem) over one list of images. */
export function promptsOf(problems: Problem[], c: ModelConfig): StepPrompts {
  const { rows, images } = collate(problems.map((p) => problemExample(p, c)));
  const promptImages = rows.map((r) => r.images.flatMap((ch) => (ch.kind === 'image' ? [ch.index] : [])));
  return { problems, rows, images, promptImages };
}

/** Each prompt row repeated n times (group-major). */
export function repeatRows(rows: readonly SeqRow[], n: number): SeqRow[] {
  return rows.flatMap((r) => Array.from({ length: n }, () => r));
}

export interface SampleResult extends Generated {
  /** Tokens the forward passes processed (prefill + one per decoding step and row). */
  forwardTokens: number;
}

/** What sampling reads of the config. */
type SamplingOptions = Pick<RLConfig, 'temperature' | 'topP' | 'seed'>;

/** The generation options of a rollout's sampling: the config's temperature and top-p, the sampling stream of its seed. */
const sampling = (cfg: SamplingOptions, stop: number, maxNew: number, step: number) => ({
  maxNew,
  stopToken: stop,
  temperature: cfg.temperature,
  topP: cfg.topP,
  seed: cfg.seed,
  stream: Streams.sample,
  step,
});

/** What to sample: until `stop` or `maxNew` tokens, at the config's temperature and top-p, with the RNG of training step `step`. */
export interface SampleRequest {
  stop: number;
  maxNew: number;
  cfg: SamplingOptions;
  step: number;
  /** Also return each sampled token's log-prob (MI's real pass when the policy scores its own descriptions). */
  logprobs?: boolean;
  /** Keep the KV cache, so that a fork continues from it instead of prefilling again. */
  keepCache?: boolean;
}

/** Rows to sample from: prompts (with their images) and each row's RNG row, its trajectory index. */
export interface SampleRows {
  rows: readonly SeqRow[];
  images: readonly Float32Array[];
  rowIds: readonly number[];
}

/** Samples continuations; RNG rows are the trajectory indices, the RNG step the training step. */
export async function sampleRows(
  model: TinyVLM,
  { rows, images, rowIds }: SampleRows,
  req: SampleRequest,
): Promise<SampleResult> {
  const { stop, maxNew, cfg, step, logprobs = false, keepCache = false } = req;
  const g = await generate(model, rows, images, rowIds, { ...sampling(cfg, stop, maxNew, step), logprobs, keepCache });
  const T = maxLen(rows);
  return { ...g, forwardTokens: g.prefillRows * T + rows.length * g.steps };
}

/**
 * Continues rows `pick` of a kept sampling cache past their descriptions: each is fed its
 * last description token (re-fed: the sampler may have stopped before feeding it) and
 * </desc>, then samples its answer as sampleRows would from prompt + description + </desc>.
 */
export async function forkRows(
  model: TinyVLM,
  from: CachedRows,
  fork: {
    prompts: readonly SeqRow[];
    desc: readonly (readonly number[])[];
    pick: readonly number[];
    rowIds: readonly number[];
  },
  { stop, maxNew, cfg, step }: Omit<SampleRequest, 'logprobs' | 'keepCache'>,
): Promise<SampleResult> {
  const { prompts, desc, pick, rowIds } = fork;
  const start = pick.map((i) => prompts[i].ids.length + desc[i].length - 1);
  const feed = pick.map((i) => [
    desc[i].length ? desc[i][desc[i].length - 1] : prompts[i].ids[prompts[i].ids.length - 1],
    DESC_END,
  ]);
  const g = await continueCached(model, from, pick, start, feed, rowIds, sampling(cfg, stop, maxNew, step));
  return { ...g, forwardTokens: pick.length * (feed[0]?.length ?? 0) + pick.length * g.steps };
}

/** The description part of generated tokens: up to (not including) </desc>. */
export function splitDescription(tokens: readonly number[]): { desc: number[]; closed: boolean } {
  const i = tokens.indexOf(DESC_END);
  return i < 0 ? { desc: [...tokens], closed: false } : { desc: tokens.slice(0, i), closed: true };
}

/**
 * MI of each row's description under the config's estimator and aggregation: the
 * estimator's alternative passes, then the model's one MI score.
 * `realLogp[b][j]`, when given, is the real pass's log p of description token j of row b
 * (the sampler's, drawn by this same model): the forward then runs the alternatives only.
 */
export function scoreDescriptions(
  model: TinyVLM,
  d: {
    descRows: readonly SeqRow[];
    images: readonly Float32Array[];
    promptImages: readonly number[][];
    promptOf: readonly number[];
    realLogp?: readonly (readonly number[])[];
  },
  cfg: Pick<RLConfig, 'estimator' | 'contrastiveK' | 'seed' | 'miAgg' | 'miClip'>,
  step: number,
): MIScores {
  const { descRows, images, promptImages, promptOf, realLogp } = d;
  const c = model.config;
  const imgs = [...images];
  const alt = alternativePasses(cfg.estimator, descRows, imgs, promptImages, promptOf, {
    K: cfg.contrastiveK,
    size: c.imageSize,
    patch: c.patchSize,
    seed: cfg.seed,
    step,
  });
  return scoreMI(model, descRows, imgs, alt.passes, { sum: cfg.miAgg === 'sum', clip: cfg.miClip }, realLogp);
}
