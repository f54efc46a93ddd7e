import { useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { StepMetrics } from '../rl/types';
import { blindFloor } from './blindFloor';
import { useRunStore, type Run } from './stores/runStore';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

interface ChartDef {
  title: string;
  value: (m: StepMetrics) => number | null | undefined;
  floor?: boolean;
  /** A line under the title, from the runs on the chart (e.g. which runs have the metric only on some steps). */
  note?: (runs: Run[]) => string | null;
}

/** MI is scored every step where it is the reward (MIRL), every `metricEvery` steps where it is only measured. */
const MI_NOTE = (runs: Run[]): string | null => {
  const sparse = runs.filter((r) => r.config.algo !== 'mirl' && r.config.metricEvery !== 1);
  if (!sparse.length) return null;
  return `scored ${sparse.map((r) => `${r.config.metricEvery > 0 ? `every ${r.config.metricEvery} steps` : 'never'} for ${r.label}`).join('; ')} (MI is only a metric there)`;
};

/** KL is in the loss (and computed every step) only at beta > 0; at beta 0 its reference pass runs on metric steps. */
const KL_NOTE = (runs: Run[]): string | null => {
  const sparse = runs.filter((r) => r.config.beta === 0);
  if (!sparse.length) return null;
  return `beta 0: measured ${sparse.map((r) => `${r.config.metricEvery > 0 ? `every ${r.config.metricEvery} steps` : 'never'} for ${r.label}`).join('; ')} (one reference forward pass each)`;
};

const CHARTS: ChartDef[] = [
  { title: 'answer accuracy (rollouts)', value: (m) => m.answer_acc, floor: true },
  { title: 'answer accuracy (held-out)', value: (m) => m.heldout_answer_acc, floor: true },
  { title: 'perception accuracy (rollouts)', value: (m) => m.perception_acc },
  { title: 'perception accuracy (held-out)', value: (m) => m.heldout_perception_acc },
  { title: 'description F1 (rollouts)', value: (m) => m.desc_f1 },
  { title: 'mean MI score (nats per token, or per description when summed)', value: (m) => m.mean_mi, note: MI_NOTE },
  { title: 'MI AUC within prompt groups (0.5 = no signal)', value: (m) => m.mi_group_auc, note: MI_NOTE },
  { title: 'reward-blind fraction', value: (m) => m.reward_blind_frac },
  { title: 'loss', value: (m) => m.loss },
  { title: 'KL to warm start', value: (m) => m.kl, note: KL_NOTE },
  { title: 'generated tokens per step', value: (m) => m.generated_tokens },
];

function series(run: Run, def: ChartDef, x: 'step' | 'tokens') {
  let cum = 0;
  const out: { x: number; y: number }[] = [];
  for (const m of run.metrics) {
    cum += m.generated_tokens;
    const y = def.value(m);
    if (y !== null && y !== undefined && Number.isFinite(y)) out.push({ x: x === 'step' ? m.step + 1 : cum, y });
  }
  return out;
}

export function Charts() {
  const runs = useRunStore((s) => s.runs);
  const families = useRunStore((s) => s.draft.families);
  const [x, setX] = useState<'step' | 'tokens'>('step');
  const floor = useMemo(() => blindFloor(families), [families]);
  return (
    <section className="panel charts" data-testid="charts">
      <h2>
        Live curves
        <label className="xsel">
          <span>x axis </span>
          <select value={x} onChange={(e) => setX(e.target.value as 'step' | 'tokens')} data-testid="x-axis">
            <option value="step">step</option>
            <option value="tokens">generated tokens</option>
          </select>
        </label>
      </h2>
      {runs.length === 0 && <p className="hint">Start a run: its curves appear here, and later runs join them on the same axes.</p>}
      <div className="chart-grid">
        {CHARTS.map((def) => (
          <div className="chart" key={def.title} data-testid={`chart-${def.title}`}>
            <h3>{def.title}</h3>
            {def.note?.(runs) && <p className="chart-note" data-testid="chart-note">{def.note(runs)}</p>}
            <ResponsiveContainer width="100%" height={170}>
              <LineChart margin={{ top: 4, right: 8, bottom: 4, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} allowDuplicatedCategory={false} tick={{ fontSize: 10 }} />
                <YAxis tick={{ fontSize: 10 }} width={40} />
                <Tooltip />
                {def.floor && <ReferenceLine y={floor} stroke="#888" strokeDasharray="4 4" label={{ value: 'blind guess', fontSize: 10, position: 'insideTopRight' }} />}
                {runs.map((r, i) => (
                  <Line key={r.id} data={series(r, def, x)} dataKey="y" name={r.label} stroke={COLORS[i % COLORS.length]} dot={false} isAnimationActive={false} />
                ))}
                {runs.length > 1 && <Legend wrapperStyle={{ fontSize: 10 }} />}
              </LineChart>
            </ResponsiveContainer>
          </div>
        ))}
      </div>
    </section>
  );
}
