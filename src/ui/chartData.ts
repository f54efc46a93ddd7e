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
}

export type ChartRow = { x: number } & Record<string, number | undefined>;

/** A run's points: x is the step after which the metric was taken (1, 2, ...) or the generated tokens by then. */
export function runPoints(run: Run, def: ChartDef, x: XAxisKind): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  const first = run.metrics[0];
  const y0 = first && def.start ? def.start(first) : undefined;
  if (y0 !== null && y0 !== undefined && Number.isFinite(y0)) out.push({ x: 0, y: y0 });
  let cum = 0;
  for (const m of run.metrics) {
    cum += m.generated_tokens;
    const y = def.value(m);
    if (y !== null && y !== undefined && Number.isFinite(y)) out.push({ x: x === 'step' ? m.step + 1 : cum, y });
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
      smoothing,
    );
    pts.forEach((p, i) => {
      const r = row(p.x);
      r[`raw${run.id}`] = p.y;
      r[`sm${run.id}`] = sm[i];
    });
  }
  return [...byX.values()].sort((a, b) => a.x - b.x);
}
