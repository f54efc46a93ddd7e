import { describe, expect, it } from 'vitest';
import type { MIScoreParams } from '../backend';
import { CounterRng } from '../../lib/rng';
import { entropyRef, miScoreRef, policyLossRef } from './rl';

/** MI of a one-token description (V = 2, t = 0, id 0) from the passes' logits: mi and dep in float64. */
function oneToken(logits: number[], K: number, p?: MIScoreParams): { mi: number; dep: number } {
  const mi = new Float64Array(1);
  const dep = new Float64Array(1);
  miScoreRef({ mi, dep, logits, ids: [0], descStart: [0], descLen: [1], B: 1, T: 1, V: 2, K, p });
  return { mi: mi[0], dep: dep[0] };
}

describe('RL references', () => {
  it('MI: the mean per-token log-ratio for one alternative; with K equal alternatives, the log-ratio to any one', () => {
    // V = 2, one description token at t = 0; real pass p = 0.8, alternative p = 0.2
    const l = (p: number) => [Math.log(p), Math.log(1 - p)];
    const { mi, dep } = oneToken([...l(0.8), ...l(0.2)], 1);
    expect(mi).toBeCloseTo(Math.log(4), 6);
    expect(dep).toBeCloseTo(Math.log(4), 6);
    // K = 3 equal alternatives that give the token 1e-9: log mean_j p_j = log 1e-9, so MI = log(0.9 / 1e-9) = 20.618
    // (without the - log K term it would be 19.52). float64 throughout: 1e-12 is a thousand times its rounding.
    const mi3 = oneToken([...l(0.9), ...l(1e-9), ...l(1e-9), ...l(1e-9)], 3).mi;
    expect(Math.abs(mi3 - Math.log(0.9 / 1e-9))).toBeLessThan(1e-12 * mi3);
  });

  it('MI with K = 3 unequal alternatives over two tokens: S_real - log mean_j exp S_j, by hand', () => {
    // V = 2, a two-token description at t = 0, 1 (ids 0); p of each token under the real image and each alternative
    const real = [0.8, 0.5];
    const alts = [
      [0.2, 0.5],
      [0.5, 0.4],
      [0.1, 0.25],
    ];
    const l = (p: number) => [Math.log(p), Math.log(1 - p)];
    // float32 logits, as every backend hands them to the kernel
    const logits = Float32Array.from([real, ...alts].flatMap((pass) => pass.flatMap(l)));
    const mi = new Float32Array(1);
    const dep = new Float32Array(2);
    miScoreRef({ mi, dep, logits, ids: [0, 0], descStart: [0], descLen: [2], B: 1, T: 2, V: 2, K: 3 });
    // by hand: p(description) = 0.4 with the image, 0.1, 0.2 and 0.025 with each alternative, so
    // MI = log(0.4 / mean(0.1, 0.2, 0.025)) / 2 tokens = log(0.4 / 0.108333) / 2 = 0.65313. Broken forms are far off:
    // without - log K 0.104, the mean of log p_j in place of log-mean-exp 0.809, log-mean-exp per token 0.682.
    const exact = Math.log(0.4 / ((0.1 + 0.2 + 0.025) / 3)) / 2;
    const depExact = real.map((r, t) => Math.log(r) - alts.reduce((a, p) => a + Math.log(p[t]), 0) / 3);
    // Each logit is rounded to float32 (2^-24 relative, |logit| <= 2.31), so each log p moves by at most twice that,
    // 2.8e-7; a sum of two moves by 5.5e-7, and MI (1-Lipschitz in the sums) by 1.1e-6 before the mean over 2 tokens
    // halves it; float32 output adds 2^-24 |MI|. dep_t (one token each) moves by 2.8e-7 + 2.8e-7 at most.
    const perToken = 2 * 2 ** -24 * Math.max(...Array.from(logits, Math.abs));
    expect(Math.abs(mi[0] - exact)).toBeLessThanOrEqual(((2 * 2 * perToken) / 2 + 2 ** -24 * exact) * 1.01);
    depExact.forEach((d, t) =>
      expect(Math.abs(dep[t] - d)).toBeLessThanOrEqual((2 * perToken + 2 ** -24 * Math.abs(d)) * 1.01),
    );
  });

  it('MI: sum over the description, and a per-token clip that bounds what one token can add or take', () => {
    // V = 2, T = 3, description at t = 0..2; pointwise log-ratios log 4, log 0.25 / 0.75... built per token
    const l = (p: number) => [Math.log(p), Math.log(1 - p)];
    const real = [0.8, 0.6, 0.99];
    const alt = [0.2, 0.6, 0.01];
    const logits = [...real.flatMap(l), ...alt.flatMap(l)];
    const pw = real.map((r, i) => Math.log(r / alt[i])); // [log 4, 0, log 99]
    const run = (p: { sum: boolean; clip: number }) => {
      const mi = new Float64Array(1);
      const dep = new Float64Array(3);
      miScoreRef({ mi, dep, logits, ids: [0, 0, 0], descStart: [0], descLen: [3], B: 1, T: 3, V: 2, K: 1, p });
      for (let t = 0; t < 3; t++) expect(dep[t]).toBeCloseTo(pw[t], 6); // dep is never clipped
      return mi[0];
    };
    const total = pw.reduce((a, b) => a + b, 0);
    expect(run({ sum: false, clip: 0 })).toBeCloseTo(total / 3, 6);
    expect(run({ sum: true, clip: 0 })).toBeCloseTo(total, 6);
    expect(run({ sum: true, clip: 2 })).toBeCloseTo(Math.log(4) + 0 + 2, 6);
    expect(run({ sum: false, clip: 2 })).toBeCloseTo((Math.log(4) + 2) / 3, 6);
    // the clip is symmetric: a token the image makes much less likely costs at most `clip`
    const neg = oneToken([...l(0.01), ...l(0.99)], 1, { sum: true, clip: 1.5 }).mi;
    expect(neg).toBeCloseTo(-1.5, 6);
  });

  it('policy loss gradient matches finite differences in lpNew, clipped or not, with KL', () => {
    const rng = new CounterRng(3, 1);
    for (let trial = 0; trial < 200; trial++) {
      const lpOld = -rng.next() * 3;
      const lpRef = -rng.next() * 3;
      const adv = (rng.next() - 0.5) * 4;
      const w = 0.5;
      const lpNew = lpOld + (rng.next() - 0.5); // ratios 0.6..1.65: both clip sides
      const p = { clipLow: 0.2, clipHigh: 0.28, beta: 0.1 };
      const f = (x: number) => {
        const loss = [0];
        const kl = [0];
        const d = [0];
        policyLossRef({
          loss,
          kl,
          dlp: d,
          lpNew: [x],
          lpOld: [lpOld],
          lpRef: [lpRef],
          adv: [adv],
          weight: [w],
          n: 1,
          p,
        });
        return { loss: loss[0], d: d[0] };
      };
      const h = 1e-6;
      const ratio = Math.exp(lpNew - lpOld);
      if (Math.abs(ratio - 0.8) < 1e-4 || Math.abs(ratio - 1.28) < 1e-4) continue; // kink
      const num = (f(lpNew + h).loss - f(lpNew - h).loss) / (2 * h);
      expect(f(lpNew).d).toBeCloseTo(num, 5);
    }
  });

  it('entropy: log V for uniform logits, 0 for a one-hot', () => {
    const out = new Float64Array(2);
    entropyRef({ out, logits: [0, 0, 0, 0, 100, 0, 0, 0], N: 2, V: 4 });
    expect(out[0]).toBeCloseTo(Math.log(4));
    expect(out[1]).toBeCloseTo(0, 6);
  });
});

import { auc, groupedAuc } from '../../rl/metrics';

describe('AUC of the MI score', () => {
  it('within groups ignores how scores differ between prompts', () => {
    // two prompts: the second's scores are all higher (more objects), and inside each the right row scores highest
    const scores = [1, 0.5, 0.2, 9, 8.5, 8.2];
    const right = [true, false, false, true, false, false];
    expect(groupedAuc(scores, right, 3)).toBe(1);
    expect(auc(scores, right)!).toBeLessThan(1); // across prompts, a wrong row of the second beats the right row of the first
    expect(groupedAuc([1, 1, 2, 2], [true, false, true, true], 2)).toBe(0.5); // ties half; an all-right group has no pairs
    expect(groupedAuc([1, 2], [true, true], 2)).toBeNull();
  });
});
