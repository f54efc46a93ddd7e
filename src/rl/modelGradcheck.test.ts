// Whole-model gradient checks: central differences of the SFT loss (model/sft.ts) and of the clipped policy loss
// (rl/update.ts) against the gradients TinyVLM's backward leaves, a few coordinates of every parameter tensor. The
// CPU-vs-WebGPU and CPU-vs-wasm comparisons build the same model on both sides, so only this catches a wiring bug
// of block.ts, stack.ts or tinyvlm.ts's backward that both sides share.
import { describe, expect, it } from 'vitest';
import { numel, type DType, type Tensor } from '../backend/backend';
import { CpuBackend, CpuTensor } from '../backend/cpu/cpuBackend';
import type { ModelConfig } from '../model/config';
import type { Example } from '../model/examples';
import { maxLen, nextTokenTargets, uploadBatch, type SeqRow } from '../model/inputs';
import { AdamW, DEFAULT_ADAMW } from '../model/optimizer';
import { initParamData, Params } from '../model/params';
import { sftStep } from '../model/sft';
import { TinyVLM } from '../model/tinyvlm';
import { CounterRng } from '../lib/rng';
import { tokenizer } from '../tasks/tokenizer';
import { SPECIAL } from '../tasks/vocab';
import { policyUpdate } from './update';
import { SEG_ANS, type TrainBatch } from './batch';

/**
 * The CPU reference in float64. CpuTensor is typed for Float32Array, but every reference kernel reads and
 * writes through `Arr`, so a Float64Array runs the very same code in double precision (the kernels' own
 * finite-difference checks, backend/cpu/gradcheck.test.ts, run them so too).
 */
class Float64Backend extends CpuBackend {
  override zeros(shape: readonly number[], dtype: DType = 'f32'): Tensor {
    const n = numel(shape);
    return new CpuTensor(
      shape,
      dtype,
      dtype === 'f32' ? (new Float64Array(n) as unknown as Float32Array) : new Uint32Array(n),
    );
  }
}

/** A tensor's float64 storage (read() would round it to float32). */
function raw(t: Tensor): Float64Array {
  const a: unknown = t instanceof CpuTensor ? t.data : null;
  if (!(a instanceof Float64Array)) throw new Error('not a Float64Backend tensor');
  return a;
}

// Two decoder blocks (the wiring between blocks), one encoder block, two heads, and a vocabulary of 13.
const TINY: ModelConfig = {
  name: 'gradcheck',
  imageSize: 8,
  patchSize: 4,
  encDim: 8,
  encLayers: 1,
  encHeads: 2,
  dim: 8,
  layers: 2,
  heads: 2,
  mlpRatio: 2,
  vocabSize: 13,
  maxSeq: 12,
};
const PATCH = tokenizer.id(SPECIAL.patch);
const patches = Array<number>(4).fill(PATCH); // (8 / 4)^2 patches per image

/** Three rows of unequal length: a real image, the null image, another real image. */
function batch(): { rows: SeqRow[]; images: Float32Array[]; gen: number[][] } {
  const rng = new CounterRng(11, 3);
  const images = [0, 1].map(() => Float32Array.from({ length: 8 * 8 * 3 }, () => rng.next()));
  const spec: { prompt: number[]; gen: number[]; img: SeqRow['images'][number] }[] = [
    { prompt: [5, 6, 7], gen: [8, 9, 10], img: { kind: 'image', index: 0 } },
    { prompt: [6, 5], gen: [11, 12, 3, 9], img: { kind: 'null' } },
    { prompt: [7], gen: [2, 8], img: { kind: 'image', index: 1 } },
  ];
  const rows = spec.map((s) => ({
    ids: [...patches, ...s.prompt, ...s.gen],
    prefixLen: 4 + s.prompt.length,
    images: [s.img],
  }));
  return { rows, images, gen: spec.map((s) => s.gen) };
}

/**
 * Parameters at a generic point: the initialisation plus N(0, 0.2) everywhere, so no layer norm sits at
 * its identity, no bias at zero, and every branch of every block carries a sizeable share of the gradient.
 */
function params(seed: number): Map<string, Float32Array> {
  const data = initParamData(TINY, seed);
  const rng = new CounterRng(seed, 9);
  for (const d of data.values()) for (let i = 0; i < d.length; i++) d[i] += 0.2 * rng.normal();
  return data;
}

const logSoftmax = (logits: Float64Array, row: number, V: number, id: number): number => {
  let m = -Infinity;
  for (let v = 0; v < V; v++) m = Math.max(m, logits[row * V + v]);
  let s = 0;
  for (let v = 0; v < V; v++) s += Math.exp(logits[row * V + v] - m);
  return logits[row * V + id] - m - Math.log(s);
};

/** log p of every next-token target under the model's current weights, in float64 ([B * T], NaN where ignored). */
function targetLogProbs(model: TinyVLM, rows: readonly SeqRow[], images: readonly Float32Array[]): Float64Array {
  const T = maxLen(rows);
  const up = uploadBatch(model.be, rows, images, T, model.config);
  const logits = raw(model.forward(up.enc, up.dec));
  up.free();
  const targets = nextTokenTargets(rows, T);
  return Float64Array.from(targets, (id, i) => (id < TINY.vocabSize ? logSoftmax(logits, i, TINY.vocabSize, id) : NaN));
}

/**
 * Central differences of `loss` at a few coordinates of every parameter tensor, against `grads`: the two
 * coordinates with the largest analytic gradient and one drawn at random. Float64 throughout, so with
 * h = 1e-5 the truncation error (h^2 / 6 |L'''|) and the rounding error (~1e-15 |L| / h) are each near
 * 1e-10 (the largest seen is 2e-9): a tolerance of 1e-7 + 1e-6 |g| leaves a margin of 50, while a miswired
 * gradient is off by a share of the gradient itself (each tensor's largest is 2e-3 or more here).
 */
function checkGradients(
  model: TinyVLM,
  grads: ReadonlyMap<string, Float64Array>,
  loss: () => number,
  rng: CounterRng,
): string[] {
  const h = 1e-5;
  const bad: string[] = [];
  for (const spec of model.params.specs) {
    const w = raw(model.params.get(spec.name));
    const g = grads.get(spec.name)!;
    const byMagnitude = [...g.keys()].sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]));
    const coords = [...new Set([byMagnitude[0], byMagnitude[1], Math.floor(rng.next() * g.length)])];
    let signal = 0;
    for (const i of coords) {
      const v = w[i];
      w[i] = v + h;
      const lp = loss();
      w[i] = v - h;
      const lm = loss();
      w[i] = v;
      const num = (lp - lm) / (2 * h);
      signal = Math.max(signal, Math.abs(num));
      if (!(Math.abs(num - g[i]) <= 1e-7 + 1e-6 * Math.abs(num)))
        bad.push(`${spec.name}[${i}]: backward ${g[i]}, finite differences ${num}`);
    }
    // a tensor whose checked coordinates all have no gradient would check nothing
    if (signal < 1e-4) bad.push(`${spec.name}: largest checked gradient ${signal}, too small to check anything`);
  }
  return bad;
}

const hostCopy = (m: ReadonlyMap<string, Tensor>) => new Map([...m].map(([k, t]) => [k, raw(t).slice()]));

describe('whole-model gradient check (float64 CPU reference, finite differences)', () => {
  it('the SFT loss: every parameter tensor of the encoder, both decoder blocks and the head', async () => {
    const be = new Float64Backend();
    const model = new TinyVLM(be, TINY, new Params(TINY, be, params(1)));
    const { rows, images } = batch();
    const examples: Example[] = rows.map((row) => ({
      row: { ...row, images: row.images.map((c) => (c.kind === 'image' ? { kind: 'image', index: 0 } : c)) },
      images: row.images.flatMap((c) => (c.kind === 'image' ? [images[c.index]] : [])),
    }));
    // lr 0: sftStep leaves the weights where its gradients were taken
    const step = await sftStep(model, new AdamW(be, model.params, { ...DEFAULT_ADAMW, lr: 0 }), examples, 0);
    const grads = hostCopy(model.grads!);
    // the loss sft.ts trains: mean cross-entropy over the completion tokens
    const loss = () => {
      const lp = targetLogProbs(model, rows, images).filter((x) => !Number.isNaN(x));
      return -lp.reduce((a, x) => a + x, 0) / lp.length;
    };
    // the host loss is the one sftStep reports (read back as float32: 2^-24 relative)
    expect(Math.abs(step.loss - loss())).toBeLessThan(1e-6 * step.loss);
    expect(checkGradients(model, grads, loss, new CounterRng(5, 1))).toEqual([]);
  });

  it('the policy loss with KL, at ratio 1 and after an update where the ratio clips', async () => {
    const be = new Float64Backend();
    const model = new TinyVLM(be, TINY, new Params(TINY, be, params(1)));
    const ref = new TinyVLM(be, TINY, new Params(TINY, be, params(2)));
    const { rows, images, gen } = batch();
    // advantages exact in float32; one token of row 0 masked out of the loss
    const adv = gen.map((g, i) => g.map((_, j) => [1.25, -0.75, 0.5][i] * (j % 2 ? -1 : 1)));
    const mask = gen.map((g, i) => g.map((_, j): number => (i === 0 && j === 1 ? 0 : 1)));
    const b: TrainBatch = {
      prompts: 1,
      perPrompt: 3,
      rows,
      images,
      seg: gen.map((g) => g.map(() => SEG_ANS)),
      rPerc: [0, 0, 0],
      rAns: [1, 0, 0],
      keep: [1, 1, 1],
      adv,
      mask,
      advPerc: [0, 0, 0],
      advAns: [0, 0, 0],
    };
    const cfg = {
      lossAgg: 'sequence',
      clipLow: 0.05,
      clipHigh: 0.08,
      beta: 0.3,
      ppoEpochs: 2,
      miniBatches: 1,
    } as const;
    // each optimiser step's weights and gradients, taken as it is asked to step
    const taken: { weights: Map<string, Float64Array>; grads: Map<string, Float64Array> }[] = [];
    class Recorder extends AdamW {
      override update(grads: Map<string, Tensor>, lr?: number): void {
        taken.push({ weights: hostCopy(model.params.tensors), grads: hostCopy(grads) });
        super.update(grads, lr);
      }
    }
    const opt = new Recorder(be, model.params, { ...DEFAULT_ADAMW, weightDecay: 0 });
    const u = await policyUpdate(model, opt, ref, b, cfg, 0.05);
    expect(taken).toHaveLength(2);

    // the loss update.ts trains, written out: per token w (-min(r A, clip(r) A) + beta k3), r = p / p_old
    const T = maxLen(rows);
    const lpOld = u.tokLogp; // the sampling policy's log-probs, as policyUpdate read them (float32)
    const lpRef = targetLogProbs(ref, rows, images);
    const active = mask.map((m) => m.reduce((a, x) => a + x, 0));
    const terms = (lp: Float64Array) =>
      rows.flatMap((r, i) =>
        gen[i].flatMap((_, j) => {
          if (!mask[i][j]) return [];
          const t = i * T + r.prefixLen + j - 1;
          const ratio = Math.exp(lp[t] - lpOld[t]);
          const a = adv[i][j];
          const clipped = Math.min(Math.max(ratio, 1 - cfg.clipLow), 1 + cfg.clipHigh) * a;
          const d = lpRef[t] - lp[t];
          const w = 1 / (active[i] * rows.length);
          return [
            {
              value: w * (-Math.min(ratio * a, clipped) + cfg.beta * (Math.exp(d) - d - 1)),
              clips: clipped < ratio * a,
            },
          ];
        }),
      );
    const loss = () => terms(targetLogProbs(model, rows, images)).reduce((s, x) => s + x.value, 0);
    const setWeights = (w: Map<string, Float64Array>) => {
      for (const [k, v] of w) raw(model.params.get(k)).set(v);
    };

    // before the first step, at the sampling policy (ratio 1 up to its float32 rounding): the reported loss is this one
    setWeights(taken[0].weights);
    expect(Math.abs(u.loss - loss())).toBeLessThan(1e-6);
    expect(checkGradients(model, taken[0].grads, loss, new CounterRng(6, 1))).toEqual([]);
    // the second epoch, one step later: some tokens' ratios clip (no gradient through them), others do not
    setWeights(taken[1].weights);
    const clips = terms(targetLogProbs(model, rows, images)).map((x) => x.clips);
    expect(clips.filter((c) => c).length).toBeGreaterThan(0);
    expect(clips.filter((c) => !c).length).toBeGreaterThan(0);
    expect(checkGradients(model, taken[1].grads, loss, new CounterRng(7, 1))).toEqual([]);
  });
});
