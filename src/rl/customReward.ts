// A reward the user wrote: JavaScript source that defines reward(input), the perception
// reward of one description, and optionally answerReward(input), the answer reward of one
// trajectory. It runs in the QuickJS sandbox (lib/sandbox.ts); this module builds its
// documented input, seeds its random per trajectory, and refuses anything but a finite number,
// naming the trajectory. The same code path serves training and the reward check.

import { rngU32, Streams } from '../lib/rng';
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
  /** MI terms, where the config scores them (rewardMI): the aggregate and each token's log p with minus without the image. */
  mi: { score: number; perToken: number[] } | null;
  /** Built-ins to compose with: labelled F1 and exact match, the MI score (null unless scored), the config's format reward earned. */
  builtins: { f1: number; exact: boolean; mi: number | null; format: number };
  /** Where it is: the training step (0 in the reward check) and the trajectory's row in the step. */
  step: number;
  trajectory: number;
}

/** The words of one trajectory the input is built from. */
export interface TrajectoryWords {
  problem: Problem;
  desc: readonly string[];
  closed: boolean;
  /** Everything generated after <desc> (the description, </desc>, reasoning and answer), or null where nothing was continued. */
  completion: readonly string[] | null;
  mi: { score: number; perToken: number[] } | null;
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
