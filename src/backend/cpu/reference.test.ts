// The CPU reference on cases small enough to compute by hand.
import { describe, expect, it } from 'vitest';
import { IGNORE_INDEX } from '../backend';
import { clipScale, adamwRef } from './adamw';
import { attentionDecodeRef, attentionRef, kvCacheWriteRef } from './attention';
import { addRef, geluRef, halfToFloatRef } from './elementwise';
import { embeddingRef } from './embedding';
import { layerNormRef } from './layernorm';
import { logSoftmaxGatherRef } from './logsoftmax';
import { matmulRef } from './matmul';
import { reduceRef } from './reduce';
import { sampleRowRef } from './sampler';

const close = (a: ArrayLike<number>, b: number[], tol = 1e-6) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(tol);
};

describe('CPU reference, hand-computed', () => {
  it('matmul with bias, transposes and batch broadcast', () => {
    const out = new Float64Array(4);
    matmulRef({ out, a: [1, 2, 3, 4], b: [5, 6, 7, 8], bias: [1, -1], M: 2, N: 2, K: 2 });
    close(out, [20, 21, 44, 49]);
    matmulRef({ out, a: [1, 3, 2, 4], b: [5, 7, 6, 8], M: 2, N: 2, K: 2, transA: true, transB: true });
    close(out, [19, 22, 43, 50]);
    const o2 = new Float64Array(4);
    matmulRef({
      out: o2,
      a: [1, 2],
      b: [3, 4],
      M: 1,
      N: 2,
      K: 1,
      batch: 2,
      strideA: 1,
      strideB: 0,
      strideC: 2,
      alpha: 2,
    });
    close(o2, [6, 8, 12, 16]);
  });

  it('add broadcasts b, gelu matches known values', () => {
    const out = new Float64Array(4);
    addRef(out, [1, 2, 3, 4], [10, 20], 1, 0.5);
    close(out, [6, 12, 8, 14]);
    const g = new Float64Array(3);
    geluRef(g, [0, 1, -1]);
    close(g, [0, 0.841192, -0.158808], 1e-5);
  });

  it('gelu keeps its relative accuracy in the negative tail', () => {
    // 0.5 x (1 + tanh(u)) cancels to exactly 0 in doubles near x = -8; the reference must not,
    // since WebGPU is checked against it element by element there. Asymptotically
    // 1 + tanh(u) ~ 2 exp(2u), so gelu(x) ~ x exp(2u) with a relative error of about exp(2u).
    const xs = [-6, -7, -8, -9];
    const g = new Float64Array(xs.length);
    geluRef(g, xs);
    xs.forEach((x, i) => {
      const u = Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3);
      expect(g[i]).toBeLessThan(0);
      expect(Math.abs(g[i] / (x * Math.exp(2 * u)) - 1)).toBeLessThan(1e-9);
    });
  });

  it('layer norm of [1, 2, 3]', () => {
    const out = new Float64Array(3);
    const mean = new Float64Array(1);
    const rstd = new Float64Array(1);
    layerNormRef({ out, mean, rstd, x: [1, 2, 3], w: [1, 1, 2], b: [0, 0, 1], rows: 1, C: 3, eps: 0 });
    const s = Math.sqrt(1.5);
    close(out, [-s, 0, 2 * s + 1]);
    close(mean, [2]);
    close(rstd, [1 / Math.sqrt(2 / 3)]);
  });

  it('attention: the prefix attends both ways, later tokens causally', () => {
    // T = 3, one head of size 1, all scores zero: uniform over the allowed keys.
    const qkv = [0, 0, 1, 0, 0, 2, 0, 0, 4]; // q, k, v per position
    const out = new Float64Array(3);
    const att = new Float64Array(9);
    attentionRef({ out, att, qkv, prefix: [2], B: 1, T: 3, C: 1, nHead: 1 });
    close(att, [0.5, 0.5, 0, 0.5, 0.5, 0, 1 / 3, 1 / 3, 1 / 3]);
    close(out, [1.5, 1.5, 7 / 3]);
    attentionRef({ out, att, qkv, prefix: [0], B: 1, T: 3, C: 1, nHead: 1 });
    close(out, [1, 1.5, 7 / 3]);
  });

  it('the KV-cache decode reproduces the last row of full attention', () => {
    const qkv = [0.3, -1, 1, 0.2, 0.5, 2, -0.7, 0.1, 4];
    const full = new Float64Array(3);
    const att = new Float64Array(9);
    attentionRef({ out: full, att, qkv, prefix: [0], B: 1, T: 3, C: 1, nHead: 1 });
    const k = new Float64Array(4);
    const v = new Float64Array(4);
    const out = new Float64Array(1);
    kvCacheWriteRef({ kCache: k, vCache: v, qkv, start: [0], B: 1, T: 3, Tmax: 4, C: 1 });
    attentionDecodeRef({ out, qkv: qkv.slice(6), kCache: k, vCache: v, len: [3], B: 1, Tmax: 4, C: 1, nHead: 1 });
    close(out, [full[2]]);
  });

  it('embedding gives a zero row for an out-of-range id', () => {
    const out = new Float64Array(4);
    embeddingRef({ out, ids: [1, 5], table: [1, 2, 3, 4], N: 2, C: 2 });
    close(out, [3, 4, 0, 0]);
  });

  it('log-softmax gather and cross-entropy with an ignored target', () => {
    const out = new Float64Array(2);
    const lse = new Float64Array(2);
    logSoftmaxGatherRef({ out, lse, logits: [0, Math.log(3), 0, 0], ids: [1, 0], N: 2, V: 2 });
    close(out, [Math.log(0.75), Math.log(0.5)]);
    logSoftmaxGatherRef({ out, lse, logits: [0, Math.log(3), 0, 0], ids: [0, IGNORE_INDEX], N: 2, V: 2 }, -1);
    close(out, [-Math.log(0.25), 0]);
  });

  it('reductions', () => {
    const out = new Float64Array(5);
    for (const [op, want] of [
      ['sum', 2],
      ['mean', 0.5],
      ['max', 3],
      ['sumsq', 14],
      ['l2', Math.sqrt(14)],
    ] as const) {
      reduceRef({ out, x: [1, -2, 3, 0], rows: 1, cols: 4, op, outOffset: 1 });
      close([out[1]], [want]);
    }
  });

  it('AdamW: first step moves each weight by lr against the gradient sign, plus decay', () => {
    const p = [1, -1];
    const m = [0, 0];
    const v = [0, 0];
    adamwRef({
      param: p,
      grad: [0.5, -2],
      m,
      v,
      sumsq: [0],
      nSlots: 1,
      hp: { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 0, weightDecay: 0.01, step: 1, maxGradNorm: 0 },
    });
    close(p, [1 - 0.1 * (1 + 0.01), -1 - 0.1 * (-1 - 0.01)]);
    expect(clipScale([9, 16], 2, 1)).toBeCloseTo(1 / 5, 5);
    expect(clipScale([9, 16], 2, 10)).toBe(1);
  });

  it('sampler: greedy, a one-token nucleus, and the draw walking the cumulative mass', () => {
    expect(sampleRowRef([1, 3, 3, 2], 0, 4, 0.99, 0, 1).id).toBe(1);
    expect(sampleRowRef([0, 5, 0, 0], 0, 4, 0.999, 1, 0.5).id).toBe(1);
    const l = [0, 0, 0, 0].map(() => Math.log(0.25));
    expect(sampleRowRef(l, 0, 4, 0.1, 1, 1).id).toBe(0);
    expect(sampleRowRef(l, 0, 4, 0.6, 1, 1).id).toBe(2);
    expect(sampleRowRef(l, 0, 4, 0.9999, 1, 1).id).toBe(3);
  });
});

describe('halfToFloatRef', () => {
  it('reads IEEE halves, low half of each word first, against values known by hand', () => {
    const halves = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x7c00, 0xfc00, 0x8000, 0x3555, 0x0000];
    const words = new Uint32Array(halves.length / 2).map((_, i) => (halves[2 * i] | (halves[2 * i + 1] << 16)) >>> 0);
    const out = new Float32Array(halves.length);
    halfToFloatRef(out, words, halves.length);
    expect(Array.from(out)).toEqual([
      1,
      -2,
      65504,
      2 ** -24,
      2 ** -14,
      Infinity,
      -Infinity,
      -0,
      Math.fround(0.333251953125),
      0,
    ]);
    // every finite pattern, from either half of its word
    const all = new Uint32Array(32768).map((_, i) => ((2 * i) | ((2 * i + 1) << 16)) >>> 0);
    const wide = new Float32Array(65536);
    halfToFloatRef(wide, all, 65536);
    for (let h = 0; h < 65536; h++) {
      if ((h & 0x7c00) === 0x7c00) continue;
      const e = (h >> 10) & 31;
      const m = h & 1023;
      const s = h & 0x8000 ? -1 : 1;
      const ref = e === 0 ? s * m * 2 ** -24 : s * (1 + m / 1024) * 2 ** (e - 15);
      expect(wide[h]).toBe(ref);
    }
  });
});
