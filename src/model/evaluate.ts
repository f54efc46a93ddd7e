// Held-out evaluation of a checkpoint: greedy decoding, the verifier's labels
// per family, and the MI score of each generated description (real image vs.
// the null image), split by whether the description was right.

import { FAMILIES, type FamilyName } from '../tasks/families';
import { generateProblem, type Problem } from '../tasks/problem';
import { tokenizer } from '../tasks/tokenizer';
import { SPECIAL } from '../tasks/vocab';
import { labelCompletion, type AttributeCounts } from '../tasks/verifier';
import { collate, problemExample } from './examples';
import { generate } from './generate';
import type { SeqRow } from './inputs';
import { scoreMI } from './score';
import type { TinyVLM } from './tinyvlm';

interface EvalSummary {
  count: number;
  answer_acc: number;
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

export interface EvalReport {
  seed: number;
  count: number;
  overall: EvalSummary;
  families: Partial<Record<FamilyName, EvalSummary>>;
}

interface Scored {
  problem: Problem;
  answerRight: boolean;
  exact: boolean;
  f1: number;
  formatOk: boolean;
  mi: number;
  attributes: AttributeCounts;
}

const DESC_END = tokenizer.id(SPECIAL.descEnd);
const ANS_END = tokenizer.id(SPECIAL.ansEnd);

/** MI per description token, the trainer's score with the null-image estimator: mean of log p(d | image) - log p(d | null image). */
async function descriptionMI(model: TinyVLM, rows: readonly SeqRow[], images: readonly Float32Array[]): Promise<number[]> {
  const nullPass = rows.map((r) => r.images.map(() => ({ kind: 'null' as const })));
  const s = scoreMI(model, rows, images, [nullPass], { sum: false, clip: 0 });
  const mi = await model.be.read(s.mi);
  model.be.free(s.mi);
  model.be.free(s.dep);
  return Array.from(mi);
}

function summarize(xs: Scored[]): EvalSummary {
  const n = xs.length;
  const mean = (f: (x: Scored) => number, ys = xs) => (ys.length ? ys.reduce((s, x) => s + f(x), 0) / ys.length : null);
  const right = xs.filter((x) => x.exact),
    wrong = xs.filter((x) => !x.exact);
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
    desc_exact: mean((x) => +x.exact) ?? 0,
    desc_f1: mean((x) => x.f1) ?? 0,
    format_ok: mean((x) => +x.formatOk) ?? 0,
    mi_right: mean((x) => x.mi, right),
    mi_wrong: mean((x) => x.mi, wrong),
    blind_floor: n ? [...best.values()].reduce((a, b) => a + b, 0) / n : 0,
    attr_located: located / Math.max(1, attr('objects')),
    attr_size: attr('size') / Math.max(1, located),
    attr_color: attr('color') / Math.max(1, located),
    attr_shape: attr('shape') / Math.max(1, located),
  };
}

export async function evaluate(model: TinyVLM, seed: number, count: number, opts: { batch?: number; onProgress?: (done: number) => void } = {}): Promise<EvalReport> {
  const c = model.config,
    batch = opts.batch ?? 32;
  const scored: Scored[] = [];
  for (let start = 0; start < count; start += batch) {
    const problems = Array.from({ length: Math.min(batch, count - start) }, (_, i) => generateProblem(seed, start + i));
    const { rows, images } = collate(problems.map((p) => problemExample(p, c)));
    const gen = await generate(
      model,
      rows,
      images,
      rows.map((_, i) => start + i),
      { maxNew: 72, stopToken: ANS_END, temperature: 0, topP: 1, seed, stream: 0, step: 0 },
    );
    const descLens = gen.tokens.map((t) => {
      const i = t.indexOf(DESC_END);
      return i < 0 ? t.length : i;
    });
    const descRows = rows.map((r, b) => ({ ...r, ids: [...r.ids, ...gen.tokens[b].slice(0, descLens[b])] }));
    const mi = await descriptionMI(model, descRows, images);
    problems.forEach((p, b) => {
      const label = labelCompletion(tokenizer.decodeWords(gen.tokens[b]), p);
      scored.push({
        problem: p,
        answerRight: label.answerRight,
        exact: label.perceptionRight,
        f1: label.description.f1,
        formatOk: label.formatOk,
        mi: mi[b],
        attributes: label.description.attributes,
      });
    });
    opts.onProgress?.(scored.length);
  }
  const families: Partial<Record<FamilyName, EvalSummary>> = {};
  for (const f of FAMILIES) {
    const xs = scored.filter((x) => x.problem.family === f);
    if (xs.length) families[f] = summarize(xs);
  }
  return { seed, count, overall: summarize(scored), families };
}
