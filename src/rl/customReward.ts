// A reward the user wrote: JavaScript source that defines reward(input), the perception
// reward of one description, and optionally answerReward(input), the answer reward of one
// trajectory. It runs in the QuickJS sandbox (lib/sandbox.ts); this module builds its
// documented input, seeds its random per trajectory, and refuses anything but a finite number,
// naming the trajectory. The same code path serves training and the reward check.

import { rngU32, Streams } from '../lib/rng';
import type { SeqRow } from '../model/inputs';
import { completionLogProbs } from '../model/score';
import type { TinyVLM } from '../model/tinyvlm';
import { DEFAULT_LIMITS, loadSandbox, SandboxedScript, SandboxError, type SandboxLimits } from '../lib/sandbox';
import { IMAGE_LABELS } from '../tasks/language';
import type { Problem } from '../tasks/problem';
import { cellOf, COLS, ROWS } from '../tasks/scene';
import {
  descriptionWellFormed,
  labelCompletion,
  objectKeyOf,
  parseCompletion,
  scoreDescription,
} from '../tasks/verifier';
import type { RLConfig } from './config';
import { alternativePasses } from './estimators';

/** One object of a description or of the scene, in the task language's words. */
export interface RewardObject {
  size: string;
  color: string;
  shape: string;
  row: string;
  col: string;
  /** Which image, in two-image scenes ('first' or 'second'); null in one-image scenes. */
  image: string | null;
}

/** What reward(input) and answerReward(input) are given (the editor documents it field by field). */
export interface CustomRewardInput {
  description: {
    /** The description's words, space-separated, as generated (without </desc>). */
    text: string;
    /** Its object phrases parsed; a phrase that is not five valid words is null. */
    objects: (RewardObject | null)[];
    /** Whether the model closed it with </desc> within the token limit. */
    closed: boolean;
    /** Closed, and every phrase a distinct, complete object of the task language. */
    wellFormed: boolean;
  };
  question: string;
  /** The scene's labelled objects (the annotation a labelled reward compares with). */
  scene: { objects: RewardObject[] };
  /** The trajectory's answer, where it has one (the reward check scores descriptions only: null). */
  answer: { text: string | null; truth: string; right: boolean; score: number; formatOk: boolean } | null;
  /** MI terms, where the config scores them (rewardMI): the aggregate, and per description token the two log-probs and their difference. */
  mi: RewardMI | null;
  /** Built-ins to compose with: labelled F1 and exact match, the MI score (null unless scored), the config's format reward earned. */
  builtins: { f1: number; exact: boolean; mi: number | null; format: number };
  /** Where it is: the training step (0 in the reward check) and the trajectory's row in the step. */
  step: number;
  trajectory: number;
}

/** The MI terms of one description, per token (one entry a description token, in order). */
export interface RewardMI {
  /** The config's MI score (its estimator, aggregation and clip), as the built-in MI reward has it. */
  score: number;
  /** logpWith[t] - logpWithout[t], unclipped. */
  perToken: number[];
  /** log p(d_t | image, question, d_<t) under the scorer; null unless the source names logpWith or logpWithout. */
  logpWith: number[] | null;
  /** The same without the image, as the estimator removes it: the mean over its alternatives (contrastive: K other images). */
  logpWithout: number[] | null;
}

/**
 * Whether a reward's source reads the two log-probs: they cost a teacher-forced pass of their own over every
 * description (about a fifth of a default step on wasm), so a reward that never names them does not pay for them.
 */
const readsLogProbs = (source: string): boolean => source.includes('logpWith');

/** The words of one trajectory the input is built from. */
export interface TrajectoryWords {
  problem: Problem;
  desc: readonly string[];
  closed: boolean;
  /** Everything generated after <desc> (the description, </desc>, reasoning and answer), or null where nothing was continued. */
  completion: readonly string[] | null;
  mi: RewardMI | null;
}

const objectOf = (words: readonly string[], image: string | null): RewardObject | null => {
  if (objectKeyOf(words) === null) return null;
  const [size, color, shape, row, col] = words;
  return { size, color, shape, row, col, image };
};

function splitOn(ws: readonly string[], sep: string): string[][] {
  const out: string[][] = [[]];
  for (const w of ws) {
    if (w === sep) out.push([]);
    else out[out.length - 1].push(w);
  }
  return out;
}

/** A description's object phrases, parsed (two-image scenes: "first : ... ; second : ..."). */
export function descriptionObjects(words: readonly string[], images: number): (RewardObject | null)[] {
  if (words.length === 0) return [];
  const phrases = (ws: readonly string[], image: string | null) =>
    ws.length === 0 ? [] : splitOn(ws, ',').map((c) => objectOf(c, image));
  if (images === 1) return phrases(words, null);
  return splitOn(words, ';').flatMap((part) => {
    const label = IMAGE_LABELS.find((l) => l === part[0]);
    return label && part[1] === ':' ? phrases(part.slice(2), label) : [null];
  });
}

/** The documented input of one trajectory. */
export function customRewardInput(
  t: TrajectoryWords,
  { step, trajectory, formatReward }: { step: number; trajectory: number; formatReward: number },
): CustomRewardInput {
  const p = t.problem;
  const d = scoreDescription(t.desc, p);
  const parsed = t.completion ? parseCompletion(t.completion) : null;
  const label = t.completion ? labelCompletion(t.completion, p) : null;
  const answerText = parsed?.answer ? parsed.answer.join(' ') : null;
  const formatOk = label?.formatOk ?? false;
  const two = p.scenes.length > 1;
  return {
    description: {
      text: t.desc.join(' '),
      objects: descriptionObjects(t.desc, p.scenes.length),
      closed: t.closed,
      wellFormed: t.closed && descriptionWellFormed(t.desc, p.scenes.length),
    },
    question: p.question,
    scene: {
      objects: p.scenes.flatMap((s, i) =>
        s.objects.map((o) => {
          const c = cellOf(o);
          return {
            size: o.size,
            color: o.color,
            shape: o.shape,
            row: ROWS[c.row],
            col: COLS[c.col],
            image: two ? IMAGE_LABELS[i] : null,
          };
        }),
      ),
    },
    answer: label
      ? { text: answerText, truth: p.answer, right: label.answerRight, score: label.answerScore, formatOk }
      : null,
    mi: t.mi,
    builtins: { f1: d.f1, exact: d.exact, mi: t.mi?.score ?? null, format: formatOk ? formatReward : 0 },
    step,
    trajectory,
  };
}

/** Descriptions as the MI passes score them: each after its prompt, with the step's images. */
export interface ScoredDescriptions {
  descRows: readonly SeqRow[];
  images: readonly Float32Array[];
  promptImages: readonly number[][];
  promptOf: readonly number[];
}

/**
 * The MI terms of each description for a custom reward: the MI kernel's score and per-token dependency (`s`, as
 * scorePerception gives them), with the two log-probs it takes the difference of, recomputed here by the same
 * teacher-forced passes (the kernel keeps them on the device) where the source reads them. `realLogp`: the
 * with-image log-probs where the sampler already has them (the scorer is the policy). null for a row whose MI was
 * not measured.
 */
export async function rewardMITerms(
  scorer: TinyVLM,
  cfg: Pick<RLConfig, 'estimator' | 'contrastiveK' | 'seed' | 'rewardCode'>,
  d: ScoredDescriptions,
  step: number,
  s: { mi: readonly number[]; dep: Float32Array; depT: number },
  realLogp?: readonly (readonly number[])[],
): Promise<(RewardMI | null)[]> {
  const terms = (b: number, r: SeqRow) => {
    const n = r.ids.length - r.prefixLen;
    const at = b * s.depT + r.prefixLen - 1;
    return { score: s.mi[b], perToken: Array.from(s.dep.subarray(at, at + n)), n };
  };
  const measured = (b: number) => Number.isFinite(s.mi[b]) && s.depT > 0;
  if (!readsLogProbs(cfg.rewardCode))
    return d.descRows.map((r, b) => {
      if (!measured(b)) return null;
      const { score, perToken } = terms(b, r);
      return { score, perToken, logpWith: null, logpWithout: null };
    });
  const c = scorer.config;
  const images = [...d.images];
  const alt = alternativePasses(cfg.estimator, d.descRows, images, d.promptImages, d.promptOf, {
    K: cfg.contrastiveK,
    size: c.imageSize,
    patch: c.patchSize,
    seed: cfg.seed,
    step,
  });
  const B = d.descRows.length;
  const alts = alt.passes.flatMap((pass) => d.descRows.map((r, b) => ({ ...r, images: pass[b] })));
  // one forward for every pass: the real one (unless the sampler gave it) and the estimator's alternatives
  const lp = await completionLogProbs(scorer, realLogp ? alts : [...d.descRows, ...alts], images);
  const altAt = realLogp ? 0 : B;
  return d.descRows.map((r, b) => {
    if (!measured(b)) return null;
    const { score, perToken, n } = terms(b, r);
    const logpWith = Array.from({ length: n }, (_, t) => (realLogp ? realLogp[b][t] : lp[b][t]));
    const logpWithout = Array.from(
      { length: n },
      (_, t) => alt.passes.reduce((a, _p, j) => a + lp[altAt + j * B + b][t], 0) / alt.passes.length,
    );
    return { score, perToken, logpWith, logpWithout };
  });
}

/** The seed of a trajectory's Math.random: a function of the run's seed, the step and the row. */
export const rewardSeed = (seed: number, step: number, row: number): number =>
  rngU32(seed, Streams.reward, step, row, 0) | 0;

/** A custom reward compiled into its sandbox; `answer` only where the source defines answerReward. */
export class CustomReward {
  private constructor(private readonly script: SandboxedScript) {}

  /** Compiles `source`, or throws a SandboxError that names the line. */
  static async compile(source: string, limits: SandboxLimits = DEFAULT_LIMITS): Promise<CustomReward> {
    const qjs = await loadSandbox();
    return new CustomReward(
      new SandboxedScript(qjs, source, { required: ['reward'], optional: ['answerReward'] }, limits),
    );
  }

  get hasAnswerReward(): boolean {
    return this.script.has('answerReward');
  }

  /** reward(input) (or answerReward) of each input, each seeded by `seeds[i]`; throws naming the trajectory. */
  score(
    inputs: readonly CustomRewardInput[],
    seeds: readonly number[],
    fn: 'reward' | 'answerReward' = 'reward',
  ): number[] {
    return inputs.map((inp, i) => {
      const where = `${fn}(input) of trajectory ${inp.trajectory} (input.step ${inp.step})`;
      let out: unknown;
      try {
        out = this.script.call(fn, inp, seeds[i]);
      } catch (e) {
        if (e instanceof SandboxError) throw new SandboxError(`${where}: ${e.message}`, e.line);
        throw e;
      }
      if (typeof out !== 'number')
        throw new SandboxError(`${where} returned ${describeValue(out)}: it must return one finite number`, null);
      if (!Number.isFinite(out))
        throw new SandboxError(`${where} returned ${out}: it must return one finite number`, null);
      return out;
    });
  }

  dispose(): void {
    this.script.dispose();
  }
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing (undefined)';
  const s = JSON.stringify(v) ?? String(v);
  return `${typeof v} ${s.length > 40 ? `${s.slice(0, 40)}…` : s}`;
}

let cached: { source: string; reward: Promise<CustomReward> } | null = null;

/** The compiled reward of `source`, compiled once per source (a run calls it every step). */
export function customRewardOf(source: string): Promise<CustomReward> {
  if (cached?.source !== source) {
    const prev = cached;
    cached = { source, reward: CustomReward.compile(source) };
    // a failed compile is not kept: the next call reports the error again
    cached.reward.catch(() => {
      if (cached?.source === source) cached = null;
    });
    void prev?.reward.then((r) => r.dispose()).catch(() => undefined);
  }
  return cached.reward;
}
