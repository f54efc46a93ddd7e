// Held-out evaluation of a checkpoint, the one implementation the trainer, the
// scripts and the UI read: k samples per problem at the rollout temperature
// (the figures RL is judged by, each a mean over samples with its standard
// error over problems), greedy decoding beside them (the verifier's labels per
// family, and the MI of each greedy description, real image vs. the null
// image), and the teacher-forced NLL of the ground-truth descriptions.

import { z } from 'zod';
import { Streams } from '../lib/rng';
import { FAMILIES, type FamilyName } from '../tasks/families';
import { generateProblem, type Problem } from '../tasks/problem';
import { ANS_END, DESC_END, tokenizer } from '../tasks/tokenizer';
import { labelCompletion, type AttributeCounts } from '../tasks/verifier';
import { collate, problemExample } from './examples';
import { generate } from './generate';
import type { SeqRow } from './inputs';
import { completionLogProbs, scoreMI } from './score';
import type { TinyVLM } from './tinyvlm';

interface EvalSummary {
  count: number;
  answer_acc: number;
  /** The verifier's mean answer score: answer_acc where answers are matched exactly, with the boxes' partial credit. */
  answer_score: number;
  desc_exact: number;
  desc_f1: number;
  format_ok: number;
  /** Mean MI (nats per description token) of right and of wrong descriptions; null when there are none. */
  mi_right: number | null;
  mi_wrong: number | null;
  /** Best constant answer on the same problems. */
  blind_floor: number;
  /** Where description errors are: the fraction of scene objects whose cell is named, and among those the fraction with the right size, colour and shape. */
  attr_located: number;
  attr_size: number;
  attr_color: number;
  attr_shape: number;
}

const num = z.number();
const frac = z.number().min(0).max(1);

/** Figures averaged over the k samples of each problem, then over problems; `se` is the standard error over problems. */
const sampledFiguresSchema = z.object({
  k: z.number().int().nonnegative(),
  temperature: num,
  top_p: num,
  desc_exact: frac,
  desc_f1: frac,
  answer_acc: frac,
  /** Right answers after a wrong description, over all samples. */
  lucky: frac,
  /** The verifier's graded answer score (the boxes' partial credit); absent in runs recorded before it was kept. */
  answer_score: frac.optional(),
  se: z.object({ desc_exact: num, desc_f1: num, answer_acc: num, lucky: num, answer_score: num.optional() }),
});

/** What every held-out figure in the trainer, the scripts and the UI is; the type and the run file's check both come from here. */
export const heldoutFiguresSchema = z.object({
  count: z.number().int().nonnegative(),
  /** null when k = 0 (greedy only). */
  sampled: sampledFiguresSchema.nullable(),
  /** desc_f1 is null only in runs recorded before v5, which kept greedy exact and answers alone. */
  greedy: z.object({ desc_exact: frac, desc_f1: frac.nullable(), answer_acc: frac }),
  /** Teacher-forced NLL per token of the ground-truth descriptions (and their </desc>): whether the model reads the images better, free of sampling noise. Null in runs recorded before v5. */
  gt_desc_nll: num.nullable(),
});
export type HeldoutFigures = z.infer<typeof heldoutFiguresSchema>;
type SampledFigures = z.infer<typeof sampledFiguresSchema>;

export interface EvalReport {
  seed: number;
  count: number;
  /** Greedy figures, overall and per family. */
  overall: EvalSummary;
  families: Partial<Record<FamilyName, EvalSummary>>;
  heldout: HeldoutFigures;
}

export interface EvalOptions {
  batch?: number;
  /** Told the samples generated so far (greedy and sampled, one per problem and sample) of all of them: after each generation. */
  onProgress?: (done: number, total: number) => void;
  /** Samples per problem (0: greedy only), at this temperature and top-p. */
  samples?: number;
  temperature?: number;
  topP?: number;
  /** Score the MI of the greedy descriptions (an extra forward pass; the evaluation script's table shows it). */
  mi?: boolean;
  /** The task families of the held-out problems (default: the default mix, as every run's held-out set). */
  families?: readonly FamilyName[];
}

/**
 * Sample j of held-out problem i draws its uniforms on RNG row j * stride + i of the
 * held-out stream: the same draws whatever k is, and apart from every training stream,
 * so the training of a run does not depend on its held-out settings.
 */
const SAMPLE_ROW_STRIDE = 1 << 16;

/** Mean and standard error of the mean (sample sd / sqrt n); SE 0 for fewer than two values. */
export function meanSE(xs: readonly number[]): { mean: number; se: number } {
  const n = xs.length;
  if (!n) return { mean: NaN, se: NaN };
  const m = xs.reduce((a, x) => a + x, 0) / n;
  if (n < 2) return { mean: m, se: 0 };
  const v = xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1);
  return { mean: m, se: Math.sqrt(v / n) };
}

interface Scored {
  problem: Problem;
  answerRight: boolean;
  answerScore: number;
  exact: boolean;
  f1: number;
  formatOk: boolean;
  mi: number;
  attributes: AttributeCounts;
}

/** MI per description token, the trainer's score with the null-image estimator: mean of log p(d | image) - log p(d | null image). */
async function descriptionMI(
  model: TinyVLM,
  rows: readonly SeqRow[],
  images: readonly Float32Array[],
): Promise<number[]> {
  const nullPass = rows.map((r) => r.images.map(() => ({ kind: 'null' as const })));
  const s = scoreMI(model, rows, images, [nullPass], { sum: false, clip: 0 });
  const mi = await model.be.read(s.mi);
  model.be.free(s.mi);
  model.be.free(s.dep);
  return Array.from(mi);
}

const finiteOrNull = (x: number | null) => (x === null || Number.isNaN(x) ? null : x);

function summarize(xs: Scored[]): EvalSummary {
  const n = xs.length;
  const mean = (f: (x: Scored) => number, ys = xs) => (ys.length ? ys.reduce((s, x) => s + f(x), 0) / ys.length : null);
  const right = xs.filter((x) => x.exact);
  const wrong = xs.filter((x) => !x.exact);
  const freq = new Map<string, number>();
  for (const x of xs) {
    const k = `${x.problem.family}|${x.problem.answer}`;
    freq.set(k, (freq.get(k) ?? 0) + 1);
  }
  // the floor of a mixed set is each family's best constant answer, weighted
  const best = new Map<string, number>();
  for (const [k, v] of freq) {
    const f = k.split('|')[0];
    best.set(f, Math.max(best.get(f) ?? 0, v));
  }
  const attr = (k: keyof AttributeCounts) => xs.reduce((a, x) => a + x.attributes[k], 0);
  const located = attr('located');
  return {
    count: n,
    answer_acc: mean((x) => +x.answerRight) ?? 0,
    answer_score: mean((x) => x.answerScore) ?? 0,
    desc_exact: mean((x) => +x.exact) ?? 0,
    desc_f1: mean((x) => x.f1) ?? 0,
    format_ok: mean((x) => +x.formatOk) ?? 0,
    mi_right: finiteOrNull(mean((x) => x.mi, right)),
    mi_wrong: finiteOrNull(mean((x) => x.mi, wrong)),
    blind_floor: n ? [...best.values()].reduce((a, b) => a + b, 0) / n : 0,
    attr_located: located / Math.max(1, attr('objects')),
    attr_size: attr('size') / Math.max(1, located),
    attr_color: attr('color') / Math.max(1, located),
    attr_shape: attr('shape') / Math.max(1, located),
  };
}

interface SampleLabel {
  exact: boolean;
  f1: number;
  answerRight: boolean;
  answerScore: number;
}

/** Per problem, the means over its samples; then the means over problems with their standard errors. */
function sampledFigures(per: readonly SampleLabel[][], k: number, temperature: number, topP: number): SampledFigures {
  const over = (f: (x: SampleLabel) => number) => meanSE(per.map((xs) => xs.reduce((a, x) => a + f(x), 0) / xs.length));
  const exact = over((x) => +x.exact);
  const f1 = over((x) => x.f1);
  const ans = over((x) => +x.answerRight);
  const lucky = over((x) => +(x.answerRight && !x.exact));
  const score = over((x) => x.answerScore);
  return {
    k,
    temperature,
    top_p: topP,
    desc_exact: exact.mean,
    desc_f1: f1.mean,
    answer_acc: ans.mean,
    lucky: lucky.mean,
    answer_score: score.mean,
    se: { desc_exact: exact.se, desc_f1: f1.se, answer_acc: ans.se, lucky: lucky.se, answer_score: score.se },
  };
}

const decodeLabel = (tokens: readonly number[], p: Problem) => labelCompletion(tokenizer.decodeWords(tokens), p);

/** Summed NLL and token count of the ground-truth descriptions (with </desc>) of these problems, teacher-forced. */
async function groundTruthNLL(model: TinyVLM, problems: readonly Problem[]): Promise<{ nll: number; tokens: number }> {
  const { rows, images } = collate(problems.map((p) => problemExample(p, model.config, { withTarget: true })));
  const lps = await completionLogProbs(model, rows, images);
  let nll = 0;
  let tokens = 0;
  problems.forEach((p, i) => {
    const n = tokenizer.encode(p.description).length + 1;
    for (let j = 0; j < n; j++) nll -= lps[i][j];
    tokens += n;
  });
  return { nll, tokens };
}

export async function evaluate(
  model: TinyVLM,
  seed: number,
  count: number,
  opts: EvalOptions = {},
): Promise<EvalReport> {
  const c = model.config;
  const batch = opts.batch ?? 32;
  const k = opts.samples ?? 0;
  const temperature = opts.temperature ?? 1;
  const topP = opts.topP ?? 1;
  const withMI = opts.mi ?? true;
  if (!Number.isInteger(k) || k < 0) throw new Error(`evaluate: samples must be a non-negative integer, not ${k}`);
  if (count > SAMPLE_ROW_STRIDE) throw new Error(`evaluate: at most ${SAMPLE_ROW_STRIDE} problems`);
  const scored: Scored[] = [];
  const sampled: SampleLabel[][] = [];
  let nll = 0;
  let nllTokens = 0;
  const total = count * (1 + k);
  opts.onProgress?.(0, total);
  for (let start = 0; start < count; start += batch) {
    const problems = Array.from({ length: Math.min(batch, count - start) }, (_, i) =>
      generateProblem(seed, start + i, { families: opts.families }),
    );
    const { rows, images } = collate(problems.map((p) => problemExample(p, c)));
    const gen = await generate(
      model,
      rows,
      images,
      rows.map((_, i) => start + i),
      { maxNew: 72, stopToken: ANS_END, temperature: 0, topP: 1, seed, stream: 0, step: 0 },
    );
    if (k > 0) opts.onProgress?.(start * (1 + k) + problems.length, total);
    let mi: number[] | null = null;
    if (withMI) {
      const descLens = gen.tokens.map((t) => {
        const i = t.indexOf(DESC_END);
        return i < 0 ? t.length : i;
      });
      const descRows = rows.map((r, b) => ({ ...r, ids: [...r.ids, ...gen.tokens[b].slice(0, descLens[b])] }));
      mi = await descriptionMI(model, descRows, images);
    }
    problems.forEach((p, b) => {
      const label = decodeLabel(gen.tokens[b], p);
      scored.push({
        problem: p,
        answerRight: label.answerRight,
        answerScore: label.answerScore,
        exact: label.perceptionRight,
        f1: label.description.f1,
        formatOk: label.formatOk,
        mi: mi ? mi[b] : NaN,
        attributes: label.description.attributes,
      });
    });
    if (k > 0) {
      // the k samples of each problem in one batch (sample-major); the prompts are prefilled once
      const rep = Array.from({ length: k }, () => rows).flat();
      const ids = Array.from({ length: k }, (_, j) =>
        problems.map((_p, i) => j * SAMPLE_ROW_STRIDE + start + i),
      ).flat();
      const s = await generate(model, rep, images, ids, {
        maxNew: 72,
        stopToken: ANS_END,
        temperature,
        topP,
        seed,
        stream: Streams.heldout,
        step: 0,
      });
      problems.forEach((p, i) => {
        sampled.push(
          Array.from({ length: k }, (_, j) => {
            const l = decodeLabel(s.tokens[j * rows.length + i], p);
            return {
              exact: l.perceptionRight,
              f1: l.description.f1,
              answerRight: l.answerRight,
              answerScore: l.answerScore,
            };
          }),
        );
      });
    }
    const g = await groundTruthNLL(model, problems);
    nll += g.nll;
    nllTokens += g.tokens;
    opts.onProgress?.(scored.length * (1 + k), total);
  }
  const families: Partial<Record<FamilyName, EvalSummary>> = {};
  for (const f of FAMILIES) {
    const xs = scored.filter((x) => x.problem.family === f);
    if (xs.length) families[f] = summarize(xs);
  }
  const overall = summarize(scored);
  return {
    seed,
    count,
    overall,
    families,
    heldout: {
      count,
      sampled: k > 0 ? sampledFigures(sampled, k, temperature, topP) : null,
      greedy: { desc_exact: overall.desc_exact, desc_f1: overall.desc_f1, answer_acc: overall.answer_acc },
      gt_desc_nll: nllTokens ? nll / nllTokens : null,
    },
  };
}
