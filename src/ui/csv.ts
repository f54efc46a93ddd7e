// Charts and runs as CSV: what a spreadsheet or pandas reads without help.

import type { StepMetrics } from '../rl/types';
import { runPoints, type ChartDef, type XAxisKind } from './chartData';
import type { Run } from './stores/runStore';

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One row per run and point: run, x, value (raw, unsmoothed), and its standard error and the figure beside it where the chart has them. */
export function chartCsv(runs: readonly Run[], def: ChartDef, x: XAxisKind): string {
  const extra = [...(def.se ? ['se'] : []), ...(def.beside ? ['beside'] : [])];
  const lines = [['run', x === 'step' ? 'step' : 'generated_tokens', def.title, ...extra].map(cell).join(',')];
  for (const r of runs) {
    for (const p of runPoints(r, def, x))
      lines.push([r.label, p.x, p.y, ...(def.se ? [p.se] : []), ...(def.beside ? [p.beside] : [])].map(cell).join(','));
  }
  return lines.join('\n') + '\n';
}

/** Nested fields as dotted columns, at any depth (phase_ms.sample, heldout.sampled.se.desc_f1). */
function flatten(v: object, prefix: string, o: Record<string, unknown>): Record<string, unknown> {
  for (const [k, x] of Object.entries(v)) {
    if (x !== null && typeof x === 'object') flatten(x as object, `${prefix}${k}.`, o);
    else o[`${prefix}${k}`] = x;
  }
  return o;
}

/** Every metric of every step of a run, nested fields flattened (phase_ms.sample, heldout.sampled.desc_f1). */
export function metricsCsv(metrics: readonly StepMetrics[]): string {
  const flat = metrics.map((m) => flatten(m, '', {}));
  const cols: string[] = [];
  for (const o of flat) for (const k of Object.keys(o)) if (!cols.includes(k)) cols.push(k);
  return [cols.map(cell).join(','), ...flat.map((o) => cols.map((c) => cell(o[c])).join(','))].join('\n') + '\n';
}

export function downloadText(name: string, text: string, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
