// Finite-difference checks of every CPU backward, in float64: the loss is
// L = sum(out * R) for a fixed random R, so dL/dout = R.
import { describe, expect, it } from 'vitest';
import { CounterRng } from '../../lib/rng';
import type { Arr } from './arrays';
import { attentionBackwardRef, attentionRef } from './attention';
import { geluBackwardRef, geluRef } from './elementwise';
import { embeddingBackwardRef, embeddingRef } from './embedding';
import { layerNormBackwardRef, layerNormRef } from './layernorm';
import { logSoftmaxGatherBackwardRef, logSoftmaxGatherRef } from './logsoftmax';
import { biasBackwardRef, matmulRef } from './matmul';

const rng = new CounterRng(1234, 77);
const rand = (n: number, s = 1) => Float64Array.from({ length: n }, () => (rng.next() * 2 - 1) * s);
const dot = (a: Arr, b: Arr) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Central differences of loss() with respect to every element of x. */
function numericGrad(x: Float64Array, loss: () => number, h = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    x[i] = v + h;
    const lp = loss();
    x[i] = v - h;
    const lm = loss();
    x[i] = v;
    g[i] = (lp - lm) / (2 * h);
  }
  return g;
}

function relErr(a: Arr, b: Arr): number {
  let m = 0;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(b[i]));
    d = Math.max(d, Math.abs(a[i] - b[i]));
  }
  expect(m).toBeGreaterThan(0);
  return d / m;
}

describe('finite-difference gradient checks (float64)', () => {
  it('matmul: dA = dC B^T, dB = A^T dC, dbias = column sums, for every layout', () => {
    const [M, N, K] = [5, 4, 3];
    for (const [tA, tB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const a = rand(M * K);
      const b = rand(K * N);
      const bias = rand(N);
      const R = rand(M * N);
      const out = new Float64Array(M * N);
      const loss = () => {
        matmulRef({ out, a, b, bias, M, N, K, transA: tA, transB: tB });
        return dot(out, R);
      };
      // Analytic gradients through the same matmul with transposed operands.
      const da = new Float64Array(M * K);
      const db = new Float64Array(K * N);
      const dbias = new Float64Array(N);
      if (!tA)
        matmulRef({ out: da, a: R, b, M, N: K, K: N, transB: !tB }); // [M,K] = R[M,N] op(B)^T
      else matmulRef({ out: da, a: b, b: R, M: K, N: M, K: N, transA: tB, transB: true }); // [K,M] = op(B) R^T
      if (!tB)
        matmulRef({ out: db, a, b: R, M: K, N, K: M, transA: !tA }); // [K,N] = op(A)^T R
      else matmulRef({ out: db, a: R, b: a, M: N, N: K, K: M, transA: true, transB: tA }); // [N,K] = R^T op(A)
      biasBackwardRef({ dbias, dout: R, M, N });
      expect(relErr(da, numericGrad(a, loss))).toBeLessThan(1e-4);
      expect(relErr(db, numericGrad(b, loss))).toBeLessThan(1e-4);
      expect(relErr(dbias, numericGrad(bias, loss))).toBeLessThan(1e-4);
    }
  });

  it('gelu', () => {
    const x = rand(50, 4);
    const R = rand(50);
    const out = new Float64Array(50);
    const loss = () => (geluRef(out, x), dot(out, R));
    const dx = new Float64Array(50);
    geluBackwardRef(dx, x, R);
    expect(relErr(dx, numericGrad(x, loss))).toBeLessThan(1e-4);
  });

  it('layer norm: dx, dw, db', () => {
    const [rows, C] = [4, 7];
    const x = rand(rows * C, 2);
    const w = rand(C);
    const b = rand(C);
    const R = rand(rows * C);
    const out = new Float64Array(rows * C);
    const mean = new Float64Array(rows);
    const rstd = new Float64Array(rows);
    const loss = () => (layerNormRef({ out, mean, rstd, x, w, b, rows, C }), dot(out, R));
    loss();
    const dx = new Float64Array(rows * C);
    const dw = new Float64Array(C);
    const db = new Float64Array(C);
    layerNormBackwardRef({ dx, dw, db, dout: R, x, mean, rstd, w, rows, C });
    expect(relErr(dx, numericGrad(x, loss))).toBeLessThan(1e-4);
    expect(relErr(dw, numericGrad(w, loss))).toBeLessThan(1e-4);
    expect(relErr(db, numericGrad(b, loss))).toBeLessThan(1e-4);
  });

  it('attention with the prefix mask: dq, dk, dv', () => {
    const s = { B: 2, T: 5, C: 6, nHead: 2 };
    const qkv = rand(s.B * s.T * 3 * s.C, 1.5);
    const prefix = [2, 0];
    const R = rand(s.B * s.T * s.C);
    const out = new Float64Array(s.B * s.T * s.C);
    const att = new Float64Array(s.B * s.nHead * s.T * s.T);
    const loss = () => (attentionRef({ out, att, qkv, prefix, ...s }), dot(out, R));
    loss();
    const dqkv = new Float64Array(qkv.length);
    attentionBackwardRef({ dqkv, dout: R, att, qkv, ...s });
    expect(relErr(dqkv, numericGrad(qkv, loss))).toBeLessThan(1e-4);
  });

  it('embedding scatter-add, repeated and out-of-range ids', () => {
    const [N, C, V] = [6, 3, 4];
    const ids = [1, 3, 1, 0, 4, 1]; // 4 is out of range
    const table = rand(V * C);
    const R = rand(N * C);
    const out = new Float64Array(N * C);
    const loss = () => (embeddingRef({ out, ids, table, N, C }), dot(out, R));
    const dtable = new Float64Array(V * C);
    embeddingBackwardRef({ dtable, dout: R, ids, N, C });
    expect(relErr(dtable, numericGrad(table, loss))).toBeLessThan(1e-4);
  });

  it('log-softmax gather and cross-entropy (with an ignored row)', () => {
    const [N, V] = [4, 6];
    for (const sign of [1, -1]) {
      const logits = rand(N * V, 3);
      const ids = [2, 0, 5, sign < 0 ? 0xffffffff : 1];
      const R = rand(N);
      const out = new Float64Array(N);
      const lse = new Float64Array(N);
      const loss = () => (logSoftmaxGatherRef({ out, lse, logits, ids, N, V }, sign), dot(out, R));
      loss();
      const dl = new Float64Array(N * V);
      logSoftmaxGatherBackwardRef({ dlogits: dl, dout: R, logits, lse, ids, N, V }, sign);
      expect(relErr(dl, numericGrad(logits, loss))).toBeLessThan(1e-4);
    }
  });
});
