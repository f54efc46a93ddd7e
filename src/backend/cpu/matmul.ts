import type { BiasBackwardArgs, MatmulArgs } from '../backend';
import type { Arr } from './arrays';

/**
 * out[b] = alpha * op(A[b]) op(B[b]) (+ bias) (+ out). Reference, accumulates in
 * f64 over k in ascending order. Operands are first packed so that a row of A
 * and a column of B are contiguous (the inner loop has no layout branches and
 * no strides): the same sums, several times faster in Node.
 */
export function matmulRef(opts: MatmulArgs<Arr>): void {
  const { out, a, b, bias, M, N, K } = opts;
  const batch = opts.batch ?? 1;
  const sA = opts.strideA ?? M * K;
  const sB = opts.strideB ?? K * N;
  const sC = opts.strideC ?? M * N;
  const alpha = opts.alpha ?? 1;
  const pa = new Float64Array(M * K);
  const pb = new Float64Array(N * K);
  for (let bt = 0; bt < batch; bt++) {
    const oa = bt * sA;
    const ob = bt * sB;
    const oc = bt * sC;
    // pa[m * K + k] = op(A)[m, k]; pb[n * K + k] = op(B)[k, n]
    if (opts.transA) for (let k = 0; k < K; k++) for (let m = 0; m < M; m++) pa[m * K + k] = a[oa + k * M + m];
    else for (let i = 0; i < M * K; i++) pa[i] = a[oa + i];
    if (opts.transB) for (let i = 0; i < N * K; i++) pb[i] = b[ob + i];
    else for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) pb[n * K + k] = b[ob + k * N + n];
    const put = (m: number, n: number, acc: number) => {
      let v = alpha * acc;
      if (bias) v += bias[n];
      if (opts.accumulate) v += out[oc + m * N + n];
      out[oc + m * N + n] = v;
    };
    // Two rows by four columns at a time: each load of A and of B serves several
    // sums (1.5x faster in Node than one row), and each sum keeps its own order.
    let m = 0;
    for (; m + 2 <= M; m += 2) {
      const ra = m * K;
      const rb = ra + K;
      let n = 0;
      for (; n + 4 <= N; n += 4) {
        const r0 = n * K;
        const r1 = r0 + K;
        const r2 = r1 + K;
        const r3 = r2 + K;
        let c0 = 0;
        let c1 = 0;
        let c2 = 0;
        let c3 = 0;
        let d0 = 0;
        let d1 = 0;
        let d2 = 0;
        let d3 = 0;
        for (let k = 0; k < K; k++) {
          const av = pa[ra + k];
          const bv = pa[rb + k];
          const b0 = pb[r0 + k];
          const b1 = pb[r1 + k];
          const b2 = pb[r2 + k];
          const b3 = pb[r3 + k];
          c0 += av * b0;
          c1 += av * b1;
          c2 += av * b2;
          c3 += av * b3;
          d0 += bv * b0;
          d1 += bv * b1;
          d2 += bv * b2;
          d3 += bv * b3;
        }
        put(m, n, c0);
        put(m, n + 1, c1);
        put(m, n + 2, c2);
        put(m, n + 3, c3);
        put(m + 1, n, d0);
        put(m + 1, n + 1, d1);
        put(m + 1, n + 2, d2);
        put(m + 1, n + 3, d3);
      }
      for (; n < N; n++) {
        const r0 = n * K;
        let c0 = 0;
        let d0 = 0;
        for (let k = 0; k < K; k++) {
          c0 += pa[ra + k] * pb[r0 + k];
          d0 += pa[rb + k] * pb[r0 + k];
        }
        put(m, n, c0);
        put(m + 1, n, d0);
      }
    }
    for (; m < M; m++) {
      const ra = m * K;
      for (let n = 0; n < N; n++) {
        const rb = n * K;
        let acc = 0;
        for (let k = 0; k < K; k++) acc += pa[ra + k] * pb[rb + k];
        put(m, n, acc);
      }
    }
  }
}

/** dbias[n] += sum_m dout[m, n]. */
export function biasBackwardRef({ dbias, dout, M, N }: BiasBackwardArgs<Arr>): void {
  for (let n = 0; n < N; n++) {
    let s = 0;
    for (let m = 0; m < M; m++) s += dout[m * N + n];
    dbias[n] += s;
  }
}
