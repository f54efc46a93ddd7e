// The rows a chart draws: one per x value of any run, with each run's raw value and its
// smoothed value (a debiased exponential moving average, as TensorBoard draws it).

import type { StepMetrics } from '../rl/types';
import type { Run } from './stores/runStore';

export type XAxisKind = 'step' | 'tokens';

export interface ChartDef {
  title: string;
  /** The y axis title; '%' also formats ticks and tooltips as percentages. */
  unit: string;
  value: (m: StepMetrics) => number | null | undefined;
  /** A point at x = 0 from step 0's metrics (the warm start, before any update). */
  start?: (m: StepMetrics) => number | null | undefined;
  floor?: boolean;
  /** Offer a log y axis (metrics that span orders of magnitude). */
  log?: boolean;
  /** A line under the title, from the runs on the chart (e.g. which runs have the metric only on some steps). */
  note?: (runs: Run[]) => string | null;
  /** The standard error of a value (held-out figures over problems): drawn as a band of ± 1 SE. */
  se?: (m: StepMetrics, atStart: boolean) => number | null | undefined;
  /** A second figure drawn dashed beside the value (greedy beside the mean over samples). */
  beside?: (m: StepMetrics, atStart: boolean) => number | null | undefined;
  /** Sparse points (held-out evaluations): never smoothed, and the y axis fitted to the data (differences of a few points must show). */
  raw?: boolean;
}

export type ChartRow = { x: number } & Record<string, number | undefined>;

export interface ChartPoint {
  x: number;
  y: number;
  se?: number;
  beside?: number;
}

const finiteOr = (v: number | null | undefined): number | undefined =>
  v !== null && v !== undefined && Number.isFinite(v) ? v : undefined;

/** A run's points: x is the step after which the metric was taken (1, 2, ...) or the generated tokens by then. */
export function runPoints(run: Run, def: ChartDef, x: XAxisKind): ChartPoint[] {
  const out: ChartPoint[] = [];
  const point = (m: StepMetrics, xv: number, y: number, atStart: boolean) => {
    const p: ChartPoint = { x: xv, y };
    const se = finiteOr(def.se?.(m, atStart));
    const beside = finiteOr(def.beside?.(m, atStart));
    if (se !== undefined) p.se = se;
    if (beside !== undefined) p.beside = beside;
    out.push(p);
  };
  const first = run.metrics[0];
  const y0 = first && def.start ? finiteOr(def.start(first)) : undefined;
  if (y0 !== undefined) point(first, 0, y0, true);
  let cum = 0;
  for (const m of run.metrics) {
    cum += m.generated_tokens;
    const y = finiteOr(def.value(m));
    if (y !== undefined) point(m, x === 'step' ? m.step + 1 : cum, y, false);
  }
  return out;
}

/** Debiased EMA: s_t = (w s_{t-1} + (1 - w) y_t) / (1 - w^t), so the first point is not pulled to 0. */
export function smooth(ys: readonly number[], w: number): number[] {
  let last = 0;
  return ys.map((y, i) => {
    last = w * last + (1 - w) * y;
    return w > 0 ? last / (1 - w ** (i + 1)) : y;
  });
}

export function chartRows(runs: readonly Run[], def: ChartDef, x: XAxisKind, smoothing: number): ChartRow[] {
  const byX = new Map<number, ChartRow>();
  const row = (xv: number) => {
    let r = byX.get(xv);
    if (!r) byX.set(xv, (r = { x: xv } as ChartRow));
    return r;
  };
  for (const run of runs) {
    const pts = runPoints(run, def, x);
    const sm = smooth(
      pts.map((p) => p.y),
      def.raw ? 0 : smoothing,
    );
    pts.forEach((p, i) => {
      const r = row(p.x);
      r[`raw${run.id}`] = p.y;
      r[`sm${run.id}`] = sm[i];
      if (p.se !== undefined) {
        r[`lo${run.id}`] = p.y - p.se;
        r[`hi${run.id}`] = p.y + p.se;
      }
      if (p.beside !== undefined) r[`bs${run.id}`] = p.beside;
    });
  }
  return [...byX.values()].sort((a, b) => a.x - b.x);
}
