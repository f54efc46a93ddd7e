// The experiment plot: per-arm held-out curves (mean over seeds, band ± 1 SE
// over seeds) drawn with the same chart library as the playground,
// screenshotted by scripts/report.ts.
import { createRoot } from 'react-dom/client';
import { Area, CartesianGrid, ComposedChart, Legend, Line, XAxis, YAxis } from 'recharts';
import type { ArmCurve, Fig } from './summary';

declare global {
  interface Window {
    report: { draw(curves: ArmCurve[], title: string): Promise<void> };
  }
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c'];

const PANELS: { title: string; y: Fig }[] = [
  { title: 'held-out description F1, mean over samples', y: 'desc_f1' },
  { title: 'held-out exact descriptions, mean over samples', y: 'desc_exact' },
  { title: 'held-out answer accuracy, mean over samples', y: 'answer_acc' },
  { title: 'held-out lucky guesses (right answer, wrong description)', y: 'lucky' },
];

/** One row per held-out step: each arm's mean and its band. */
function rowsOf(curves: ArmCurve[], y: Fig) {
  const steps = [...new Set(curves.flatMap((c) => c.points.map((p) => p.step)))].sort((a, b) => a - b);
  return steps.map((step) => {
    const row: Record<string, number | [number, number]> = { step };
    curves.forEach((c, i) => {
      const p = c.points.find((q) => q.step === step);
      if (!p) return;
      row[`m${i}`] = p[y].mean;
      row[`b${i}`] = [p[y].mean - p[y].se, p[y].mean + p[y].se];
    });
    return row;
  });
}

function Report({ curves, title }: { curves: ArmCurve[]; title: string }) {
  return (
    <div style={{ width: 1100, padding: 16 }} data-testid="report">
      <h2 style={{ margin: '0 0 8px', fontSize: 15 }}>{title}</h2>
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12 }}>
        {PANELS.map((p) => (
          <div key={p.title}>
            <h3 style={{ margin: '4px 0', fontSize: 14, fontWeight: 600 }}>{p.title}</h3>
            <ComposedChart
              width={530}
              height={280}
              data={rowsOf(curves, p.y)}
              margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
            >
              <CartesianGrid stroke="#e5e7eb" />
              <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} />
              <YAxis domain={['auto', 'auto']} tickFormatter={(v: number) => v.toFixed(p.y === 'desc_f1' ? 3 : 2)} />
              <Legend />
              {curves.map((c, i) => (
                <Area
                  key={`b${c.arm}`}
                  dataKey={`b${i}`}
                  stroke="none"
                  fill={COLORS[i % COLORS.length]}
                  fillOpacity={0.15}
                  legendType="none"
                  isAnimationActive={false}
                  connectNulls
                />
              ))}
              {curves.map((c, i) => (
                <Line
                  key={c.arm}
                  name={c.arm}
                  dataKey={`m${i}`}
                  stroke={COLORS[i % COLORS.length]}
                  dot
                  isAnimationActive={false}
                  connectNulls
                />
              ))}
            </ComposedChart>
          </div>
        ))}
      </div>
    </div>
  );
}

document.body.style.cssText = 'margin: 0; background: #fff; font-family: system-ui, sans-serif';
const root = createRoot(document.body.appendChild(document.createElement('div')));
window.report = {
  draw: (curves, title) =>
    new Promise((resolve) => {
      root.render(<Report curves={curves} title={title} />);
      requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
    }),
};
document.body.dataset.ready = 'true';
