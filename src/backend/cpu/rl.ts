// CPU references of the RL kernels: the MI score of descriptions, the clipped
// surrogate loss, and per-row entropy. (Advantages are host functions: rl/advantages.ts.)

import { MI_MEAN, type EntropyArgs, type MiScoreArgs, type PolicyLossArgs } from '../backend';
import type { Arr } from './arrays';

export function logSoftmaxAt(logits: Arr, o: number, V: number, id: number): number {
  let m = -Infinity;
  for (let v = 0; v < V; v++) m = Math.max(m, logits[o + v]);
  let s = 0;
  for (let v = 0; v < V; v++) s += Math.exp(logits[o + v] - m);
  return logits[o + id] - m - Math.log(s);
}

/**
 * MI of each row's description from teacher-forced logits. logits holds (1 + K)
 * passes of [B * T, V]: the real image first, then K alternatives. Positions
 * t in [descStart[b], descStart[b] + descLen[b]) score ids[b * T + t].
 *   total = S_real - (logsumexp_j S_j - log K),  S = sum_t log p
 * (for K = 1, the sum of per-token differences), or with clip c > 0
 *   total = sum_t clamp(dep_t, -c, c);
 * mi[b] = total / descLen (mean) or total (sum). dep[b * T + t] is the per-token
 * log p(real) - mean_j log p(alt_j) on description positions, 0 elsewhere.
 */
export function miScoreRef({
  mi,
  dep,
  logits,
  ids,
  descStart,
  descLen,
  B,
  T,
  V,
  K,
  p = MI_MEAN,
  real,
}: MiScoreArgs<Arr>): void {
  const pass = B * T * V;
  // without `real`, pass 0 of the logits is the real image and the alternatives follow it
  const alt0 = real ? 0 : 1;
  for (let i = 0; i < B * T; i++) dep[i] = 0;
  for (let b = 0; b < B; b++) {
    const n = descLen[b];
    let sReal = 0;
    let sClip = 0;
    const sAlt = new Float64Array(K);
    for (let t = descStart[b]; t < descStart[b] + n; t++) {
      const row = b * T + t;
      const lr = real ? real[row] : logSoftmaxAt(logits, row * V, V, ids[row]);
      sReal += lr;
      let meanAlt = 0;
      for (let j = 0; j < K; j++) {
        const la = logSoftmaxAt(logits, (j + alt0) * pass + row * V, V, ids[row]);
        sAlt[j] += la;
        meanAlt += la / K;
      }
      dep[row] = lr - meanAlt;
      sClip += Math.min(p.clip, Math.max(-p.clip, lr - meanAlt));
    }
    if (n === 0) {
      mi[b] = 0;
      continue;
    }
    let total = sClip;
    if (!(p.clip > 0)) {
      let m = -Infinity;
      for (let j = 0; j < K; j++) m = Math.max(m, sAlt[j]);
      let s = 0;
      for (let j = 0; j < K; j++) s += Math.exp(sAlt[j] - m);
      total = sReal - (m + Math.log(s) - Math.log(K));
    }
    mi[b] = p.sum ? total : total / n;
  }
}

/**
 * Per token: ratio = exp(lpNew - lpOld); surrogate = min(ratio A, clip(ratio) A);
 * k3 KL to the reference = exp(lpRef - lpNew) - (lpRef - lpNew) - 1;
 * loss = weight * (-surrogate + beta kl); dlp = d loss / d lpNew.
 */
export function policyLossRef({ loss, kl, dlp, lpNew, lpOld, lpRef, adv, weight, n, p }: PolicyLossArgs<Arr>): void {
  for (let i = 0; i < n; i++) {
    const w = weight[i];
    if (w === 0) {
      loss[i] = 0;
      kl[i] = 0;
      dlp[i] = 0;
      continue;
    }
    const a = adv[i];
    const ratio = Math.exp(lpNew[i] - lpOld[i]);
    const clipped = Math.min(Math.max(ratio, 1 - p.clipLow), 1 + p.clipHigh);
    const unclippedTerm = ratio * a;
    const clippedTerm = clipped * a;
    const useUnclipped = unclippedTerm <= clippedTerm;
    const surrogate = useUnclipped ? unclippedTerm : clippedTerm;
    // the clipped branch is constant in lpNew
    const dSurr = useUnclipped ? ratio * a : 0;
    const d = lpRef[i] - lpNew[i];
    const k3 = Math.exp(d) - d - 1;
    kl[i] = k3;
    loss[i] = w * (-surrogate + p.beta * k3);
    dlp[i] = w * (-dSurr + p.beta * (1 - Math.exp(d)));
  }
}

/** out[n] = entropy of softmax(logits[n]) in nats. */
export function entropyRef({ out, logits, N, V }: EntropyArgs<Arr>): void {
  for (let n = 0; n < N; n++) {
    let m = -Infinity;
    for (let v = 0; v < V; v++) m = Math.max(m, logits[n * V + v]);
    let z = 0;
    let s = 0;
    for (let v = 0; v < V; v++) {
      const e = Math.exp(logits[n * V + v] - m);
      z += e;
      s += e * (logits[n * V + v] - m);
    }
    out[n] = Math.log(z) - s / z;
  }
}
