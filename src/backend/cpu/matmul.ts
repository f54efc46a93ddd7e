import type { MatmulOpts } from '../backend';
import type { Arr } from './arrays';

/**
 * out[b] = alpha * op(A[b]) op(B[b]) (+ bias) (+ out). Reference, accumulates in
 * f64 over k in ascending order. Operands are first packed so that a row of A
 * and a column of B are contiguous (the inner loop has no layout branches and
 * no strides): the same sums, several times faster in Node.
 */
export function matmulRef(out: Arr, a: Arr, b: Arr, bias: Arr | null, M: number, N: number, K: number, opts: MatmulOpts = {}): void {
  const batch = opts.batch ?? 1;
  const sA = opts.strideA ?? M * K;
  const sB = opts.strideB ?? K * N;
  const sC = opts.strideC ?? M * N;
  const alpha = opts.alpha ?? 1;
  const pa = new Float64Array(M * K),
    pb = new Float64Array(N * K);
  for (let bt = 0; bt < batch; bt++) {
    const oa = bt * sA,
      ob = bt * sB,
      oc = bt * sC;
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
    for (let m = 0; m < M; m++) {
      const ra = m * K;
      let n = 0;
      // four columns at a time share each load of A's row (each sum keeps its own order)
      for (; n + 4 <= N; n += 4) {
        const r0 = n * K,
          r1 = r0 + K,
          r2 = r1 + K,
          r3 = r2 + K;
        let c0 = 0,
          c1 = 0,
          c2 = 0,
          c3 = 0;
        for (let k = 0; k < K; k++) {
          const av = pa[ra + k];
          c0 += av * pb[r0 + k];
          c1 += av * pb[r1 + k];
          c2 += av * pb[r2 + k];
          c3 += av * pb[r3 + k];
        }
        put(m, n, c0);
        put(m, n + 1, c1);
        put(m, n + 2, c2);
        put(m, n + 3, c3);
      }
      for (; n < N; n++) {
        const rb = n * K;
        let acc = 0;
        for (let k = 0; k < K; k++) acc += pa[ra + k] * pb[rb + k];
        put(m, n, acc);
      }
    }
  }
}

/** dbias[n] += sum_m dout[m, n]. */
export function biasBackwardRef(dbias: Arr, dout: Arr, M: number, N: number): void {
  for (let n = 0; n < N; n++) {
    let s = 0;
    for (let m = 0; m < M; m++) s += dout[m * N + n];
    dbias[n] += s;
  }
}
