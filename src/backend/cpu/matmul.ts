import type { MatmulOpts } from '../backend';
import type { Arr } from './arrays';

/** out[b] = alpha * op(A[b]) op(B[b]) (+ bias) (+ out). Reference, accumulates in f64. */
export function matmulRef(
  out: Arr, a: Arr, b: Arr, bias: Arr | null,
  M: number, N: number, K: number, opts: MatmulOpts = {},
): void {
  const batch = opts.batch ?? 1;
  const sA = opts.strideA ?? M * K;
  const sB = opts.strideB ?? K * N;
  const sC = opts.strideC ?? M * N;
  const alpha = opts.alpha ?? 1;
  for (let bt = 0; bt < batch; bt++) {
    const oa = bt * sA, ob = bt * sB, oc = bt * sC;
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let acc = 0;
        for (let k = 0; k < K; k++) {
          const av = opts.transA ? a[oa + k * M + m] : a[oa + m * K + k];
          const bv = opts.transB ? b[ob + n * K + k] : b[ob + k * N + n];
          acc += av * bv;
        }
        let v = alpha * acc;
        if (bias) v += bias[n];
        if (opts.accumulate) v += out[oc + m * N + n];
        out[oc + m * N + n] = v;
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
