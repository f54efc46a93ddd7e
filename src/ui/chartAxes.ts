// The axes every chart shares: one x range for all charts (a metric taken every 10 steps ends where the
// others end, not at its last point), whole steps, and y ticks whose labels differ from each other.

import type { Run } from './stores/runStore';
import type { ChartRow, XAxisKind } from './chartData';

/** [0, the furthest x of any run]: steps done, or generated tokens by the last step; null with no metrics. */
export function sharedXDomain(runs: readonly Run[], x: XAxisKind): [number, number] | null {
  let hi = 0;
  for (const r of runs) {
    if (x === 'step') hi = Math.max(hi, r.metrics.length ? r.metrics[r.metrics.length - 1].step + 1 : 0);
    else
      hi = Math.max(
        hi,
        r.metrics.reduce((a, m) => a + m.generated_tokens, 0),
      );
  }
  return hi > 0 ? [0, hi] : null;
}

/** The smallest "nice" step (1, 2, 2.5 or 5 times a power of ten) at least `raw`. */
function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
}

/** Decimals that write every multiple of `step` exactly (0.25 needs 2, 0.002 needs 3). */
function decimalsOf(step: number): number {
  for (let d = 0; d < 12; d++) {
    const x = step * 10 ** d;
    if (Math.round(x) !== 0 && Math.abs(Math.round(x) - x) < 1e-6 * x) return d;
  }
  return 12;
}

export interface YTicks {
  ticks: number[];
  domain: [number, number];
  format: (v: number) => string;
}

/**
 * About five ticks at nice values over [lo, hi] (0 included unless `fit`), and a label format with as
 * many decimals as the step needs, so that no two labels read the same (0.170, 0.172, 0.174 rather
 * than 0.17, 0.17, 0.17). Null where nothing is drawn.
 */
export function yTicks(rows: readonly ChartRow[], fit: boolean, count = 5): YTicks | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows)
    for (const k in r) {
      const v = r[k];
      if (k === 'x' || typeof v !== 'number' || !Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  if (lo > hi) return null;
  if (!fit) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
    // one value: a step of a tenth of its size around it
    const pad = Math.abs(hi) > 0 ? 10 ** Math.floor(Math.log10(Math.abs(hi))) / 10 : 1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / (count - 1));
  const first = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let t = first; t <= hi + step * 1e-9 && ticks.length < 3 * count; t += step) ticks.push(Number(t.toFixed(12)));
  if (ticks[ticks.length - 1] < hi) ticks.push(Number((ticks[ticks.length - 1] + step).toFixed(12)));
  const d = decimalsOf(step);
  // very large or very small values in exponent form, with as many digits as the step needs
  const top = Math.max(Math.abs(ticks[0]), Math.abs(ticks[ticks.length - 1]));
  const exp = top >= 1e5 || step < 1e-4;
  const format = (v: number) => {
    if (Math.abs(v) < step * 1e-6) return '0';
    if (!exp) return v.toFixed(d);
    const digits =
      Math.floor(Math.log10(Math.abs(v))) -
      Math.floor(Math.log10(step)) +
      decimalsOf(step / 10 ** Math.floor(Math.log10(step)));
    return v.toExponential(Math.min(12, Math.max(0, digits))).replace('e+', 'e');
  };
  return { ticks, domain: [ticks[0], ticks[ticks.length - 1]], format };
}
