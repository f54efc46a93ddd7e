// The MI estimators (estimators.ts) and the one MI score they feed (model/score.ts), on the CPU reference:
// the score recomputed by hand from each pass's own log-probs, and a trainer step under each estimator.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu/cpuBackend';
import { collate, problemExample } from '../model/examples';
import type { ImageChoice, SeqRow } from '../model/inputs';
import { initParamData, Params } from '../model/params';
import { completionLogProbs, scoreMI } from '../model/score';
import { TinyVLM } from '../model/tinyvlm';
import { CounterRng } from '../lib/rng';
import { generateProblem } from '../tasks/problem';
import { tokenizer } from '../tasks/tokenizer';
import { DEFAULT_RL, type Estimator, type RLConfig } from './config';
import { alternativePasses } from './estimators';
import { RLTrainer } from './trainer';
import { tinyCheckpoint, tinyModel } from './tinyFixture';

const SMALL = tinyModel('estimator-test');
const ESTIMATORS: readonly Estimator[] = ['null', 'blank', 'noise', 'patch', 'contrastive'];

describe('the MI score of every estimator, by hand', () => {
  // Weights with N(0, 0.3) added to the initialisation, so that the image moves the logits by far more than rounding.
  const data = initParamData(SMALL, 1);
  const rng = new CounterRng(1, 9);
  for (const d of data.values()) for (let i = 0; i < d.length; i++) d[i] += 0.3 * rng.normal();
  const be = new CpuBackend();
  const model = new TinyVLM(be, SMALL, new Params(SMALL, be, data));
  // three prompts, two descriptions of unequal length each (rows prompt-major)
  const { rows: prompts, images } = collate([0, 1, 2].map((i) => problemExample(generateProblem(7, i), SMALL)));
  const descs = ['large red circle top left', 'small blue square', 'green triangle bottom', 'two', 'large', 'red red'];
  const rows: SeqRow[] = descs.map((d, b) => {
    const p = prompts[Math.floor(b / 2)];
    return { ...p, ids: [...p.ids, ...tokenizer.encode(d)] };
  });
  const promptOf = rows.map((_, b) => Math.floor(b / 2));
  const promptImages = prompts.map((p) => p.images.flatMap((c) => (c.kind === 'image' ? [c.index] : [])));
  const sum = (xs: Float32Array) => xs.reduce((a, x) => a + x, 0);
  const abs = (xs: Float32Array) => xs.reduce((a, x) => a + Math.abs(x), 0);

  it.each(ESTIMATORS)(
    '%s: S_real - log mean_j exp S_j over its alternative passes, summed and per token; no pass is the real image',
    async (estimator) => {
      const imgs = [...images];
      const alt = alternativePasses(estimator, rows, imgs, promptImages, promptOf, {
        K: 2,
        size: SMALL.imageSize,
        patch: SMALL.patchSize,
        seed: 3,
        step: 1,
      });
      expect(alt.K).toBe(estimator === 'contrastive' ? 2 : 1);
      const real = await completionLogProbs(model, rows, imgs);
      const alts = await Promise.all(
        alt.passes.map((pass) =>
          completionLogProbs(
            model,
            rows.map((r, b) => ({ ...r, images: pass[b] })),
            imgs,
          ),
        ),
      );
      for (const agg of [
        { sum: true, clip: 0 },
        { sum: false, clip: 0 },
      ]) {
        const s = scoreMI(model, rows, imgs, alt.passes, agg);
        const mi = await be.read(s.mi);
        be.free(s.mi);
        be.free(s.dep);
        rows.forEach((_, b) => {
          const n = real[b].length;
          const S = alts.map((a) => sum(a[b]));
          const m = Math.max(...S);
          const lme = m + Math.log(S.reduce((a, x) => a + Math.exp(x - m), 0) / S.length);
          const hand = (sum(real[b]) - lme) / (agg.sum ? 1 : n);
          // Both sides read the same float32 logits; the hand side's log-probs come back rounded to float32 (2^-24
          // relative each), so its sums are off by 2^-24 of their absolute sums, log-mean-exp by the largest of them,
          // and the score's float32 output by 2^-24 of itself.
          const tol =
            ((2 ** -24 * (abs(real[b]) + Math.max(...alts.map((a) => abs(a[b]))))) / (agg.sum ? 1 : n) +
              2 ** -24 * Math.abs(hand)) *
            1.01;
          expect(Math.abs(mi[b] - hand), `row ${b}`).toBeLessThanOrEqual(tol);
          // no alternative pass is the real image: each moves the description's log p by far more than that rounding
          for (const Sj of S) expect(Math.abs(Sj - sum(real[b])), `row ${b}`).toBeGreaterThan(1000 * tol);
        });
      }
    },
  );
});

describe("each estimator's alternative images, exactly", () => {
  // Three prompts of one image each, two rows each (prompt-major), and a fourth prompt with no image; 8 x 8 pixels.
  const size = 8;
  const o = { K: 2, size, patch: 4, seed: 3, step: 5 };
  const promptImages = [[0], [1], [2], []];
  const promptOf = [0, 0, 1, 1, 2, 2, 3];
  const rows: SeqRow[] = promptOf.map((p) => ({
    ids: [1],
    prefixLen: 1,
    images: p < 3 ? [{ kind: 'image', index: p }] : [{ kind: 'null' }],
  }));
  const real = () => [0.1, 0.5, 0.9].map((x) => new Float32Array(size * size * 3).fill(x));
  const pixels = (imgs: readonly Float32Array[], c: ImageChoice) => (c.kind === 'image' ? imgs[c.index] : null);

  it("blank: every image of every row is one appended image of the scenes' background, 0.93, and nothing else", () => {
    const imgs = real();
    const alt = alternativePasses('blank', rows, imgs, promptImages, promptOf, o);
    expect(alt.K).toBe(1);
    expect(imgs).toHaveLength(4);
    expect(imgs[3]).toEqual(new Float32Array(size * size * 3).fill(0.93));
    expect(alt.passes[0]).toEqual(rows.map(() => [{ kind: 'image', index: 3 }]));
  });

  it('noise: an image of uniform noise per row, drawn from the seed and step, so a step repeats and rows differ', () => {
    const imgs = real();
    const alt = alternativePasses('noise', rows, imgs, promptImages, promptOf, o);
    expect(alt.K).toBe(1);
    const noise = alt.passes[0].map((r) => pixels(imgs, r[0])!);
    expect(imgs).toHaveLength(3 + rows.length);
    for (const x of noise) {
      // 24-bit uniforms in [0, 1): the mean of 192 is 0.5 within 5 SD (SD 0.289 / sqrt 192 = 0.021)
      expect(x.every((v) => v >= 0 && v < 1 && Number.isInteger(v * 2 ** 24))).toBe(true);
      expect(Math.abs(x.reduce((a, v) => a + v, 0) / x.length - 0.5)).toBeLessThan(5 * 0.021);
    }
    expect(new Set(noise.map((x) => x.join())).size).toBe(rows.length);
    const again = [...real()];
    const same = alternativePasses('noise', rows, again, promptImages, promptOf, o);
    expect(same.passes[0].map((r) => pixels(again, r[0]))).toEqual(noise);
    const later = [...real()];
    const next = alternativePasses('noise', rows, later, promptImages, promptOf, { ...o, step: 6 });
    next.passes[0].forEach((r, b) => expect(pixels(later, r[0])).not.toEqual(noise[b]));
  });

  it('contrastive: pass j of a row is the image of the prompt j + 1 after its own; none where that one or the row has none', () => {
    const imgs = real();
    const alt = alternativePasses('contrastive', rows, imgs, promptImages, promptOf, o);
    expect(alt.K).toBe(2);
    expect(imgs).toHaveLength(3); // other prompts' own images, none added
    // prompt-major rows: prompt 0 -> prompts 1 and 2, prompt 1 -> 2 and 3 (no image), 2 -> 3 and 0; prompt 3's
    // row has no image slot filled, so it stays without one
    const want = [
      [1, 2],
      [1, 2],
      [2, null],
      [2, null],
      [null, 0],
      [null, 0],
      [null, null],
    ];
    alt.passes.forEach((pass, j) =>
      pass.forEach((r, b) =>
        expect(r, `pass ${j}, row ${b}`).toEqual([
          want[b][j] === null ? { kind: 'null' } : { kind: 'image', index: want[b][j] },
        ]),
      ),
    );
    // K alternatives need K other prompts
    expect(() => alternativePasses('contrastive', rows, real(), promptImages, promptOf, { ...o, K: 4 })).toThrow(
      /4 alternatives need more than 4 prompts/,
    );
  });
});

const ck = (seed = 1) => tinyCheckpoint(SMALL, seed);
const cfg = (over: Partial<RLConfig> = {}): RLConfig => ({
  ...DEFAULT_RL,
  N: 4,
  k: 2,
  batchPrompts: 2,
  maxDescTokens: 8,
  maxAnswerTokens: 6,
  heldoutEvery: 0,
  metricEvery: 0,
  recordPrompts: 2,
  contrastiveK: 1,
  percGate: 'off',
  ...over,
});

describe('a MIRL step under every MI estimator', () => {
  it('is finite, samples the same descriptions, and scores them differently under each estimator', async () => {
    const out: Record<string, { desc: string; mi: number }[]> = {};
    for (const estimator of ESTIMATORS) {
      const t = new RLTrainer(new CpuBackend(), cfg({ estimator }), ck());
      const { metrics, records } = await t.trainStep();
      t.free();
      expect(metrics.error, estimator).toBeUndefined();
      for (const k of ['mean_mi', 'loss', 'grad_norm', 'entropy'] as const)
        expect(Number.isFinite(metrics[k]), `${estimator} ${k}`).toBe(true);
      out[estimator] = records.flatMap((r) =>
        r.trajectories.map((x) => ({ desc: x.description.join(' '), mi: x.mi! })),
      );
      expect(out[estimator]).toHaveLength(2 * 4);
      for (const x of out[estimator]) expect(Number.isFinite(x.mi), estimator).toBe(true);
      // the alternative pass is not the real image, whose every score would be 0 (1e-4: see below)
      expect(Math.max(...out[estimator].map((x) => Math.abs(x.mi))), estimator).toBeGreaterThan(1e-4);
    }
    // sampling comes before scoring, so every estimator scores the same descriptions; each scores them its own way
    // (a score sums up to 8 log-probs near -5: float32 rounding moves it by about 3e-6, so 1e-4 is a real difference)
    ESTIMATORS.forEach((a, i) => {
      expect(out[a].map((x) => x.desc)).toEqual(out.null.map((x) => x.desc));
      for (const b of ESTIMATORS.slice(i + 1)) {
        const gap = Math.max(...out[a].map((x, j) => Math.abs(x.mi - out[b][j].mi)));
        expect(gap, `${a} vs ${b}`).toBeGreaterThan(1e-4);
      }
    });
  });
});
