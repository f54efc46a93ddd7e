import { fmtSigned as fmt } from './format';
import type { ForestRow } from './lesson';

/** The plot's measures in px: a row's height, the label, plot and estimate columns' widths, the top margin, the axis. */
const { ROW, LABEL_W, PLOT_W, EST_W, TOP, AXIS_H } = {
  ROW: 26,
  LABEL_W: 250,
  PLOT_W: 330,
  EST_W: 190,
  TOP: 8,
  AXIS_H: 34,
};

/** A tick step of 1, 2 or 5 times a power of ten giving about `n` ticks over `span`. */
function tickStep(span: number, n = 5): number {
  const raw = span / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

/** The reference's name, short where the label column needs it. */
const REF_SHORT: Record<string, string> = { 'grpo-v1g': 'GRPO (grounding start)' };

/**
 * Each arm's held-out F1 difference against its reference as a dot with a ±2 SE whisker, and the zero line: a
 * whisker that crosses zero is a difference the runs cannot call. Filled where called, hollow where not.
 */
export function ForestPlot({ rows, colorOf }: { rows: readonly ForestRow[]; colorOf: (id: string) => string }) {
  if (!rows.length) return null;
  const reach = Math.max(...rows.map((r) => Math.abs(r.mean) + 2 * r.se), 0.01) * 1.1;
  const x = (v: number) => LABEL_W + ((v + reach) / (2 * reach)) * PLOT_W;
  const step = tickStep(2 * reach);
  const ticks: number[] = [];
  for (let t = Math.ceil(-reach / step) * step; t <= reach + 1e-12; t += step) ticks.push(Math.abs(t) < 1e-12 ? 0 : t);
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  const coreEnd = rows.filter((r) => r.core).length;
  const h = TOP + rows.length * ROW + AXIS_H;
  const width = LABEL_W + PLOT_W + EST_W;
  return (
    <figure className="forest" data-testid="forest-plot">
      <svg
        viewBox={`0 0 ${width} ${h}`}
        width={width}
        height={h}
        role="img"
        aria-label="Held-out description F1, each arm minus its reference, with ±2 SE whiskers"
      >
        {ticks.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={TOP} y2={h - AXIS_H} stroke="#e5e7eb" />
            <text x={x(t)} y={h - AXIS_H + 14} textAnchor="middle" fontSize={11} fill="currentColor">
              {t === 0 ? '0' : fmt(t, digits)}
            </text>
          </g>
        ))}
        <line
          data-testid="forest-zero"
          x1={x(0)}
          x2={x(0)}
          y1={TOP - 4}
          y2={h - AXIS_H}
          stroke="#111827"
          strokeDasharray="4 3"
        />
        <text x={LABEL_W + PLOT_W / 2} y={h - 4} textAnchor="middle" fontSize={11} fill="currentColor">
          held-out description F1 change, arm minus its reference (dot: mean; whisker: ±2 SE)
        </text>
        {coreEnd > 0 && coreEnd < rows.length && (
          <line x1={0} x2={width} y1={TOP + coreEnd * ROW} y2={TOP + coreEnd * ROW} stroke="#9ca3af" />
        )}
        {rows.map((r, i) => {
          const y = TOP + i * ROW + ROW / 2;
          const c = colorOf(r.id);
          const lo = x(r.mean - 2 * r.se);
          const hi = x(r.mean + 2 * r.se);
          return (
            <g key={r.id} data-testid={`forest-row-${r.id}`} data-mean={r.mean} data-se={r.se} data-called={r.called}>
              <title>
                {`${r.name} vs ${r.refName}: ${fmt(r.mean)} ± ${r.se.toFixed(3)} F1 (1 SE), ${r.pairedSeeds ? `paired over ${r.pairedSeeds} seeds` : 'unpaired'}; ${r.called ? 'beyond' : 'within'} 2 SE`}
              </title>
              <text x={LABEL_W - 8} y={y + 4} textAnchor="end" fontSize={12} fill="currentColor">
                {r.name} <tspan fill="#4b5563">vs {REF_SHORT[r.refId] ?? r.refName}</tspan>
              </text>
              <line data-testid="forest-whisker" x1={lo} x2={hi} y1={y} y2={y} stroke={c} strokeWidth={2} />
              <line x1={lo} x2={lo} y1={y - 5} y2={y + 5} stroke={c} strokeWidth={2} />
              <line x1={hi} x2={hi} y1={y - 5} y2={y + 5} stroke={c} strokeWidth={2} />
              <circle cx={x(r.mean)} cy={y} r={5} fill={r.called ? c : '#fff'} stroke={c} strokeWidth={2} />
              <text
                x={LABEL_W + PLOT_W + 10}
                y={y + 4}
                fontSize={12}
                fill="currentColor"
                fontWeight={r.called ? 700 : 400}
              >
                {`${fmt(r.mean)} ± ${r.se.toFixed(3)}${r.called ? '' : ', not called'}`}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
