import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Area,
  Brush,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
  type TooltipValueType,
} from 'recharts';
import type { HeldoutFigures } from '../model/evaluate';
import type { StepMetrics } from '../rl/types';
import { blindFloor } from '../tasks/blindFloor';
import { chartCsv, downloadText } from './csv';
import { chartRows, type ChartDef, type ChartRow, type XAxisKind } from './chartData';
import { sharedXDomain, yTicks } from './chartAxes';
import { fmtSig, fmtTick } from './format';
import type { Run } from './stores/runStore';
import { useSettledRuns } from './settledRuns';
import { useStaggered } from './staggered';
import { useOnScreen } from './onScreen';

import { RUN_COLORS } from './colors';
import { ALGORITHM_NAMES, ALGORITHM_TABLE, algorithmOf } from '../rl/algorithms/table';
import { useDraftStore } from './stores/draftStore';

/** The algorithms that fork pre-samples (fork lift is theirs alone), by label. */
const FORKING = ALGORITHM_NAMES.filter((a) => ALGORITHM_TABLE[a].group === 'forks')
  .map((a) => ALGORITHM_TABLE[a].label)
  .join(', ');

/** "every N steps for <run>; ..." for the runs that take a metric only on metric steps. */
const onMetricSteps = (runs: Run[]) =>
  runs
    .map((r) => `${r.config.metricEvery > 0 ? `every ${r.config.metricEvery} steps` : 'never'} for ${r.label}`)
    .join('; ');

/** MI is scored every step where it is the reward (MIRL), every `metricEvery` steps where it is only measured. */
const MI_NOTE = (runs: Run[]): string | null => {
  const sparse = runs.filter((r) => algorithmOf(r.config).perception !== 'mi' && r.config.metricEvery !== 1);
  return sparse.length ? `scored ${onMetricSteps(sparse)} (MI is only a metric there)` : null;
};

/** MI's unit: nats summed over a description's tokens, or per token, as each run's config says. */
const MI_UNIT_NOTE = (runs: Run[]): string => {
  const aggs = new Set(runs.map((r) => r.config.miAgg));
  if (aggs.size === 1)
    return aggs.has('sum') ? "nats summed over a description's tokens" : 'nats per description token';
  return runs.map((r) => `${r.label}: ${r.config.miAgg === 'sum' ? 'summed' : 'per token'}`).join(', ');
};

/** KL is in the loss (and computed every step) only at beta > 0; at beta 0 its reference pass runs on metric steps. */
const KL_NOTE = (runs: Run[]): string | null => {
  const sparse = runs.filter((r) => r.config.beta === 0);
  return sparse.length ? `beta 0: measured ${onMetricSteps(sparse)} (one reference forward pass each)` : null;
};

const pct = (v: (m: StepMetrics) => number | null | undefined) => (m: StepMetrics) => {
  const x = v(m);
  return x === null || x === undefined ? x : 100 * x;
};

/** Which held-out figures each run has: how many problems and samples, or greedy only, or none. */
const HELDOUT_NOTE = (runs: Run[], greedy = true): string | null => {
  const parts = new Map<string, string[]>();
  for (const r of runs) {
    const c = r.config;
    const what =
      c.heldoutEvery === 0 || c.heldoutCount === 0
        ? 'off'
        : c.heldoutSamples > 0
          ? `${c.heldoutCount} problems x ${c.heldoutSamples} samples at temperature ${c.temperature}, every ${c.heldoutEvery} steps; band ± 1 SE over problems${greedy ? '; dashed: greedy' : ''}`
          : `${c.heldoutCount} problems, greedy only`;
    parts.set(what, [...(parts.get(what) ?? []), r.label]);
  }
  if (!parts.size) return null;
  return parts.size === 1 ? [...parts.keys()][0] : [...parts].map(([w, ls]) => `${ls.join(', ')}: ${w}`).join('; ');
};

type HeldoutFig = 'desc_f1' | 'desc_exact' | 'answer_acc' | 'lucky';

/** A held-out chart: the mean over samples with its SE band and greedy dashed beside it; greedy alone for runs without samples. */
function heldoutChart(title: string, fig: HeldoutFig, floor = false): ChartDef {
  const scale = fig === 'desc_f1' ? 1 : 100;
  const of = (m: StepMetrics, atStart: boolean): HeldoutFigures | undefined => (atStart ? m.heldout_start : m.heldout);
  const main = (h: HeldoutFigures | undefined) => {
    if (!h) return undefined;
    const v = h.sampled ? h.sampled[fig] : fig === 'lucky' ? null : h.greedy[fig];
    return v === null ? null : scale * v;
  };
  return {
    title,
    unit: fig === 'desc_f1' ? 'F1' : '%',
    value: (m) => main(m.heldout),
    start: (m) => main(m.heldout_start),
    se: (m, atStart) => {
      const h = of(m, atStart);
      return h?.sampled ? scale * h.sampled.se[fig] : null;
    },
    beside: (m, atStart) => {
      const h = of(m, atStart);
      const g = h?.sampled && fig !== 'lucky' ? h.greedy[fig] : null;
      return g === null || g === undefined ? null : scale * g;
    },
    raw: true,
    floor,
    note: (runs) => HELDOUT_NOTE(runs, fig !== 'lucky'),
  };
}

const CHARTS: ChartDef[] = [
  heldoutChart('description F1 (held-out, mean over samples)', 'desc_f1'),
  heldoutChart('exact descriptions (held-out, mean over samples)', 'desc_exact'),
  heldoutChart('answer accuracy (held-out, mean over samples)', 'answer_acc', true),
  heldoutChart('lucky guesses: right answer, wrong description (held-out)', 'lucky'),
  {
    title: 'ground-truth description NLL (held-out)',
    unit: 'nats per token',
    value: (m) => m.heldout?.gt_desc_nll,
    start: (m) => m.heldout_start?.gt_desc_nll,
    raw: true,
    note: () => 'teacher-forced on the true descriptions: lower reads the images better, with no sampling noise',
  },
  { title: 'answer accuracy (rollouts)', unit: '%', value: pct((m) => m.answer_acc), floor: true },
  { title: 'perception accuracy (rollouts)', unit: '%', value: pct((m) => m.perception_acc) },
  { title: 'description F1 (rollouts)', unit: 'F1', value: (m) => m.desc_f1 },
  {
    title: 'mean MI score',
    unit: 'nats',
    value: (m) => m.mean_mi,
    note: (runs) => [MI_UNIT_NOTE(runs), MI_NOTE(runs)].filter(Boolean).join('; '),
    log: true,
  },
  { title: 'MI AUC within prompt groups (0.5 = no signal)', unit: 'AUC', value: (m) => m.mi_group_auc, note: MI_NOTE },
  {
    title: 'fork lift: exact rate of the kept forks minus all pre-samples',
    unit: '% points',
    value: pct((m) => m.fork_lift_exact),
    note: (runs) =>
      runs.some((r) => algorithmOf(r.config).group === 'forks')
        ? `${FORKING} only: above 0, its MI pre-screening keeps better descriptions than it drops`
        : `${FORKING} only`,
  },
  {
    title: 'reward-blind fraction',
    unit: 'fraction',
    value: (m) => m.reward_blind_frac,
    note: () =>
      'of description tokens with a non-zero advantage: pushed up inside a wrong description or down inside a right one',
  },
  { title: 'zero-std groups', unit: '% of groups', value: pct((m) => m.zero_std_frac) },
  { title: 'loss', unit: 'loss', value: (m) => m.loss },
  { title: 'KL to warm start', unit: 'nats per token', value: (m) => m.kl, note: KL_NOTE, log: true },
  { title: 'generated tokens per step', unit: 'tokens', value: (m) => m.generated_tokens, log: true },
];

/** A run's colour: by its place in the runs, unless a view colours by something else (the teaching comparison: by arm). */
type ColorOf = (r: Run, i: number) => string;
const byOrder: ColorOf = (_r, i) => RUN_COLORS[i % RUN_COLORS.length];

function RunLegend({
  runs,
  hidden,
  toggle,
  color,
}: {
  runs: Run[];
  hidden: Set<number>;
  toggle: (id: number) => void;
  color: ColorOf;
}) {
  return (
    <div className="run-legend" data-testid="run-legend">
      {runs.map((r, i) => (
        <button
          key={r.id}
          className={`legend-item${hidden.has(r.id) ? ' off' : ''}`}
          data-testid="legend-item"
          aria-pressed={!hidden.has(r.id)}
          title={hidden.has(r.id) ? 'show this run' : 'hide this run'}
          onClick={() => toggle(r.id)}
        >
          <span className="swatch" style={{ background: color(r, i) }} /> {r.label}
        </button>
      ))}
    </div>
  );
}

// Recharts' Brush dispatches its settings to the chart's store on every render of its own (its effect depends on a
// fresh props object), which lays the chart out twice more at each step: memoised on its props, which stay the same,
// it follows the data through the store alone.
const StableBrush = memo(Brush);

// Props of the chart's parts that never change, kept as one object each (see Chart).
const MARGIN = { top: 20, right: 10, bottom: 14, left: 8 };
const TICK = { fontSize: 10 };
const DATA_RANGE: [string, string] = ['dataMin', 'dataMax'];
const AUTO_RANGE: [string, string] = ['auto', 'auto'];
const Y_LABEL_STYLE = { textAnchor: 'middle' as const };
const TIP_POSITION = { x: 46, y: -36 };
const TIP_ESCAPE = { x: false, y: true };
const TIP_WRAPPER = { zIndex: 5, pointerEvents: 'none' as const };
const FLOOR_LABEL = { value: 'blind guess', fontSize: 10, position: 'insideTopRight' as const };

// A chart off screen takes a new step at most this often; one on screen, every step.
const OFF_SCREEN_HOLD_MS = 5000;
// the same runs under the same names: what changed is a step (held off screen), not which runs there are (never held)
const sameRuns = (a: readonly Run[], b: readonly Run[]) =>
  a.length === b.length && a.every((r, i) => r.id === b[i].id && r.label === b[i].label);

function Chart({
  def,
  runs: latest,
  order,
  hidden,
  x,
  smoothing,
  color,
}: {
  def: ChartDef;
  runs: Run[];
  /** Its place in the grid: charts on screen together take their new steps one after another, a task each. */
  order: number;
  hidden: Set<number>;
  x: XAxisKind;
  smoothing: number;
  color: ColorOf;
}) {
  const box = useRef<HTMLDivElement>(null);
  const runs = useStaggered(latest, 50 * order, useOnScreen(box) ? 0 : OFF_SCREEN_HOLD_MS, sameRuns);
  const families = useDraftStore((s) => s.draft.families);
  const floor = useMemo(() => blindFloor(families), [families]);
  const [log, setLog] = useState(false);
  // the brush's range, as x values: a numeric x axis is not narrowed by the brush's indices alone
  const [zoom, setZoom] = useState<[number, number] | null>(null);
  const rows = useMemo(() => chartRows(runs, def, x, smoothing), [runs, def, x, smoothing]);
  const positive = rows.every((r) =>
    runs.every((run) => !(typeof r[`raw${run.id}`] === 'number' && (r[`raw${run.id}`] as number) <= 0)),
  );
  const useLog = log && positive;
  // every chart spans the same steps (or tokens), whole steps only; y ticks as precise as their spread needs
  const xDomain = useMemo(() => sharedXDomain(runs, x), [runs, x]);
  const y = useMemo(() => (useLog ? null : yTicks(rows, Boolean(def.raw))), [rows, useLog, def.raw]);
  const note = def.note?.(runs);
  // Recharts' axes, areas and tooltip are memoised on their props and, when these change, re-register with the
  // chart's store, which renders the chart again: every prop below keeps its identity until what it shows changes.
  const xLabel = useMemo(
    () => ({
      value: x === 'step' ? 'step' : 'generated tokens',
      position: 'insideBottom' as const,
      offset: -8,
      fontSize: 10,
    }),
    [x],
  );
  const yLabel = useMemo(
    () => ({ value: def.unit, angle: -90, position: 'insideLeft' as const, fontSize: 9, style: Y_LABEL_STYLE }),
    [def.unit],
  );
  const yFormat = useCallback(
    (v: number) => (y ? y.format(v) : fmtTick(v)) + (def.unit === '%' ? '%' : ''),
    [y, def.unit],
  );
  const bandKeys = useMemo(() => runs.map((r) => (row: ChartRow) => [row[`lo${r.id}`], row[`hi${r.id}`]]), [runs]);
  const tip = useCallback(
    ({ active, payload, label }: TooltipContentProps<TooltipValueType, string | number>) => {
      if (!active || !payload?.length) return null;
      const xName = (v: number) => (x === 'step' ? `step ${v}` : `${Math.round(v).toLocaleString('en-US')} tokens`);
      // only the lines drawn for people: each run's line and its greedy twin, never a band or a faint raw line
      const names = new Set(runs.flatMap((r) => [r.label, `${r.label} (greedy)`]));
      const named = (p: { name?: unknown; dataKey?: unknown; value?: unknown }) =>
        typeof p.name === 'string' &&
        names.has(p.name) &&
        !Array.isArray(p.value) &&
        !(smoothing > 0 && String(p.dataKey).startsWith('raw'));
      return (
        <div className="chart-tip" data-testid="chart-tip">
          <b>{xName(Number(label))}</b>
          {/* a long run name gives way (ellipsis, whole on the legend), never the value */}
          {payload.filter(named).map((p) => (
            <span key={String(p.dataKey)} className="tip-entry" style={{ color: p.color }}>
              <span className="tip-name">· {p.name}</span>
              <span className="tip-value" data-testid="tip-value">
                : {fmtSig(Number(p.value))}
                {def.unit === '%' ? '%' : ''}
              </span>
            </span>
          ))}
        </div>
      );
    },
    [runs, x, smoothing, def.unit],
  );
  // the brush reads the rows when it is moved, so that its handler (and the brush) stay the same across steps
  const rowsNow = useRef(rows);
  useEffect(() => {
    rowsNow.current = rows;
  }, [rows]);
  const onBrush = useCallback((r: { startIndex?: number; endIndex?: number }) => {
    const all = rowsNow.current;
    const a = all[r.startIndex ?? 0];
    const b = all[r.endIndex ?? all.length - 1];
    setZoom(a && b && (r.startIndex !== 0 || r.endIndex !== all.length - 1) ? [a.x, b.x] : null);
  }, []);
  return (
    <div className="chart" data-testid={`chart-${def.title}`} ref={box}>
      <h3>
        {def.title}
        <span className="chart-tools">
          {def.log && (
            <label title={positive ? 'logarithmic y axis' : 'a log axis needs every value above 0'}>
              <input
                type="checkbox"
                data-testid="log-scale"
                checked={useLog}
                disabled={!positive}
                onChange={(e) => setLog(e.target.checked)}
              />{' '}
              log
            </label>
          )}
          <button
            data-testid="chart-csv"
            title="download this chart's data as CSV"
            onClick={() =>
              downloadText(`${def.title.replace(/[^\w]+/g, '-')}.csv`, chartCsv(latest, def, x), 'text/csv')
            }
          >
            CSV
          </button>
        </span>
      </h3>
      {note && (
        <p className="chart-note" data-testid="chart-note">
          {note}
        </p>
      )}
      <ResponsiveContainer width="100%" height={190}>
        <ComposedChart data={rows} margin={MARGIN}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="x"
            type="number"
            domain={zoom ?? xDomain ?? DATA_RANGE}
            allowDataOverflow={zoom !== null}
            allowDecimals={x !== 'step'}
            tick={TICK}
            tickFormatter={fmtTick}
            label={xLabel}
          />
          <YAxis
            tick={TICK}
            width={52}
            tickFormatter={yFormat}
            scale={useLog ? 'log' : 'auto'}
            ticks={y?.ticks}
            domain={y?.domain ?? (useLog || def.raw ? AUTO_RANGE : undefined)}
            allowDataOverflow={useLog}
            label={yLabel}
          />
          <Tooltip
            // one compact line per run, in the top margin: it covers neither the curves nor falls outside the card
            position={TIP_POSITION}
            allowEscapeViewBox={TIP_ESCAPE}
            wrapperStyle={TIP_WRAPPER}
            content={tip}
          />
          {def.floor && <ReferenceLine y={100 * floor} stroke="#888" strokeDasharray="4 4" label={FLOOR_LABEL} />}
          {runs.map((r, i) =>
            smoothing > 0 && !hidden.has(r.id) ? (
              <Line
                key={`raw${r.id}`}
                dataKey={`raw${r.id}`}
                stroke={color(r, i)}
                strokeOpacity={0.25}
                dot={false}
                isAnimationActive={false}
                connectNulls
                legendType="none"
                tooltipType="none"
              />
            ) : null,
          )}
          {def.se &&
            runs.map((r, i) =>
              hidden.has(r.id) ? null : (
                <Area
                  key={`band${r.id}`}
                  dataKey={bandKeys[i]}
                  stroke="none"
                  fill={color(r, i)}
                  fillOpacity={0.15}
                  isAnimationActive={false}
                  connectNulls
                  legendType="none"
                  tooltipType="none"
                />
              ),
            )}
          {def.beside &&
            runs.map((r, i) =>
              hidden.has(r.id) ? null : (
                <Line
                  key={`beside${r.id}`}
                  dataKey={`bs${r.id}`}
                  name={`${r.label} (greedy)`}
                  stroke={color(r, i)}
                  strokeDasharray="4 3"
                  strokeOpacity={0.7}
                  dot={false}
                  isAnimationActive={false}
                  connectNulls
                />
              ),
            )}
          {runs.map((r, i) => (
            <Line
              key={r.id}
              dataKey={smoothing > 0 ? `sm${r.id}` : `raw${r.id}`}
              name={r.label}
              stroke={color(r, i)}
              hide={hidden.has(r.id)}
              dot={rows.length < 3}
              isAnimationActive={false}
              connectNulls
            />
          ))}
          {rows.length > 1 && (
            <StableBrush dataKey="x" height={14} travellerWidth={6} tickFormatter={fmtTick} onChange={onBrush} />
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

/** The curves of every run, or of `runIds` alone; `heldoutOnly` keeps the held-out charts (the teaching comparison). */
export function Charts({
  runIds,
  heldoutOnly = false,
  title = 'Live curves',
  colorOf = byOrder,
}: {
  runIds?: readonly number[];
  heldoutOnly?: boolean;
  title?: string;
  colorOf?: ColorOf;
}) {
  const all = useSettledRuns();
  const runs = useMemo(() => (runIds ? all.filter((r) => runIds.includes(r.id)) : all), [all, runIds]);
  const charts = heldoutOnly ? CHARTS.filter((c) => c.title.includes('held-out')) : CHARTS;
  const [x, setX] = useState<XAxisKind>('step');
  const [smoothing, setSmoothing] = useState(0.6);
  const [hidden, setHidden] = useState<Set<number>>(new Set());
  const toggle = (id: number) =>
    setHidden((h) => {
      const n = new Set(h);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  return (
    <section className="panel charts" data-testid="charts">
      <h2>
        {title}
        <label className="xsel">
          <span>x axis </span>
          <select value={x} onChange={(e) => setX(e.target.value as XAxisKind)} data-testid="x-axis">
            <option value="step">step</option>
            <option value="tokens">generated tokens</option>
          </select>
        </label>
        <label className="xsel" title="exponential moving average, as in TensorBoard (the raw line stays faint behind)">
          <span>smoothing </span>
          <input
            type="range"
            min={0}
            max={0.99}
            step={0.01}
            value={smoothing}
            data-testid="smoothing"
            onChange={(e) => setSmoothing(Number(e.target.value))}
          />
          <span data-testid="smoothing-value">{smoothing.toFixed(2)}</span>
        </label>
      </h2>
      {runs.length === 0 && (
        <p className="hint">Start a run: its curves appear here, and later runs join them on the same axes.</p>
      )}
      {runs.length > 0 && <RunLegend runs={runs} hidden={hidden} toggle={toggle} color={colorOf} />}
      <div className="chart-grid">
        {charts.map((def, i) => (
          <Chart
            key={def.title}
            def={def}
            runs={runs}
            order={i}
            hidden={hidden}
            x={x}
            smoothing={smoothing}
            color={colorOf}
          />
        ))}
      </div>
    </section>
  );
}
