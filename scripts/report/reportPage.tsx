// The experiment plot: per-arm curves (mean over seeds) drawn with the same
// chart library as the playground, screenshotted by scripts/report.ts.
import { createRoot } from 'react-dom/client';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, XAxis, YAxis } from 'recharts';
import type { ArmCurve } from './summary';

declare global {
  interface Window {
    report: { draw(curves: ArmCurve[], title: string, floor: number): Promise<void> };
  }
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c'];

interface Panel {
  title: string;
  x: 'step' | 'cumTokens';
  y: 'heldoutAnswer' | 'heldoutPerception' | 'rewardBlind';
  floor?: boolean;
}

const PANELS: Panel[] = [
  { title: 'held-out answer accuracy vs step', x: 'step', y: 'heldoutAnswer', floor: true },
  { title: 'held-out perception accuracy (description exact) vs step', x: 'step', y: 'heldoutPerception' },
  { title: 'held-out answer accuracy vs generated tokens', x: 'cumTokens', y: 'heldoutAnswer', floor: true },
  { title: 'reward-blind fraction of description updates (rollouts, 5-step trailing mean)', x: 'step', y: 'rewardBlind' },
];

/** The panel's points; the noisy per-step reward-blind fraction is smoothed over 5 steps. */
function series(c: ArmCurve, p: Panel): { x: number; y: number }[] {
  const pts = c.points.filter((q) => Number.isFinite(q[p.y]));
  return pts.map((q, i) => {
    if (p.y !== 'rewardBlind') return { x: q[p.x], y: q[p.y] as number };
    const win = pts.slice(Math.max(0, i - 4), i + 1);
    return { x: q[p.x], y: win.reduce((a, w) => a + w.rewardBlind, 0) / win.length };
  });
}

function Report({ curves, title, floor }: { curves: ArmCurve[]; title: string; floor: number }) {
  return (
    <div style={{ width: 1100, padding: 16 }} data-testid="report">
      <h2 style={{ margin: '0 0 8px', fontSize: 18 }}>{title}</h2>
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12 }}>
        {PANELS.map((p) => (
          <div key={p.title}>
            <h3 style={{ margin: '4px 0', fontSize: 14, fontWeight: 600 }}>{p.title}</h3>
            <LineChart width={530} height={260} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid stroke="#e5e7eb" />
              <XAxis
                dataKey="x"
                type="number"
                domain={['dataMin', 'dataMax']}
                tickFormatter={(v: number) => (p.x === 'cumTokens' && v >= 1000 ? `${(v / 1000).toFixed(0)}k` : String(v))}
              />
              <YAxis
                domain={p.y === 'rewardBlind' ? [0, 'auto'] : p.floor ? [(lo: number) => Math.floor(Math.min(lo, floor) * 20) / 20, 'auto'] : ['auto', 'auto']}
                tickFormatter={(v: number) => v.toFixed(2)}
              />
              <Legend />
              {p.floor && <ReferenceLine y={floor} stroke="#6b7280" strokeDasharray="4 4" label={{ value: 'blind floor', position: 'insideBottomRight', fontSize: 11 }} />}
              {curves.map((c, i) => (
                <Line key={c.arm} name={c.arm} data={series(c, p)} dataKey="y" stroke={COLORS[i % COLORS.length]} dot={p.y !== 'rewardBlind'} isAnimationActive={false} />
              ))}
            </LineChart>
          </div>
        ))}
      </div>
    </div>
  );
}

const root = createRoot(document.getElementById('root')!);
window.report = {
  draw: (curves, title, floor) =>
    new Promise((resolve) => {
      root.render(<Report curves={curves} title={title} floor={floor} />);
      requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
    }),
};
document.body.dataset.ready = 'true';
