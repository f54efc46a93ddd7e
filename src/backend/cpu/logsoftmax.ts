import type { LogSoftmaxArgs, LogSoftmaxBackwardArgs } from '../backend';
import type { Arr } from './arrays';

function logsumexp(logits: Arr, o: number, V: number): number {
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, logits[o + v]);
  let s = 0;
  for (let v = 0; v < V; v++) s += Math.exp(logits[o + v] - max);
  return max + Math.log(s);
}

/**
 * out[n] = sign * log softmax(logits[n])[ids[n]]; rows whose id is >= V get 0.
 * sign = 1 is the per-token log-probability, sign = -1 the cross-entropy.
 */
export function logSoftmaxGatherRef({ out, lse, logits, ids, N, V }: LogSoftmaxArgs<Arr>, sign = 1): void {
  for (let n = 0; n < N; n++) {
    const l = logsumexp(logits, n * V, V);
    lse[n] = l;
    const id = ids[n];
    out[n] = id < V ? sign * (logits[n * V + id] - l) : 0;
  }
}

/** dlogits[n, v] += sign * dout[n] * (onehot(ids[n])[v] - softmax(logits[n])[v]). */
export function logSoftmaxGatherBackwardRef(
  { dlogits, dout, logits, lse, ids, N, V }: LogSoftmaxBackwardArgs<Arr>,
  sign = 1,
): void {
  for (let n = 0; n < N; n++) {
    const id = ids[n];
    if (id >= V) continue;
    const g = sign * dout[n];
    for (let v = 0; v < V; v++) {
      const p = Math.exp(logits[n * V + v] - lse[n]);
      dlogits[n * V + v] += g * ((v === id ? 1 : 0) - p);
    }
  }
}
