// Charts and runs as CSV: what a spreadsheet or pandas reads without help.

import type { StepMetrics } from '../rl/types';
import { runPoints, type ChartDef, type XAxisKind } from './chartData';
import type { Run } from './stores/runStore';

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One row per run and point: run, x, value (raw, unsmoothed). */
export function chartCsv(runs: readonly Run[], def: ChartDef, x: XAxisKind): string {
  const lines = [['run', x === 'step' ? 'step' : 'generated_tokens', def.title].map(cell).join(',')];
  for (const r of runs) for (const p of runPoints(r, def, x)) lines.push([r.label, p.x, p.y].map(cell).join(','));
  return lines.join('\n') + '\n';
}

/** Every metric of every step of a run, nested fields flattened (phase_ms.sample, heldout_start.answer_acc). */
export function metricsCsv(metrics: readonly StepMetrics[]): string {
  const flat = metrics.map((m) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(m)) {
      if (v !== null && typeof v === 'object') for (const [k2, v2] of Object.entries(v)) o[`${k}.${k2}`] = v2;
      else o[k] = v;
    }
    return o;
  });
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
