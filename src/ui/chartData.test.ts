import { describe, expect, it } from 'vitest';
import { DEFAULT_RL } from '../rl/config';
import type { HeldoutFigures } from '../model/evaluate';
import type { StepMetrics } from '../rl/types';
import { chartRows, smooth, type ChartDef } from './chartData';
import { chartCsv, metricsCsv } from './csv';
import { fmtSig, fmtTick } from './format';
import type { Run } from './stores/runStore';

const m = (step: number, acc: number, extra: Partial<StepMetrics> = {}): StepMetrics => ({
  step,
  answer_acc: acc,
  perception_acc: 0,
  desc_f1: 0,
  mean_mi: null,
  mi_auc: null,
  mi_group_auc: null,
  reward_blind_frac: 0,
  lucky_guesses: 0,
  generated_tokens: 100 * (step + 1),
  forward_tokens: 0,
  complete_trajectories: 0,
  step_ms: 1,
  phase_ms: { sample: 0, score: 0, fork: 0, update: 0 },
  loss: -0.0008,
  kl: null,
  entropy: 0,
  grad_norm: 0,
  lr: 1e-4,
  updates: 1,
  zero_std_frac: 0,
  ...extra,
});
const run = (id: number, metrics: StepMetrics[]): Run => ({
  id,
  uid: `u${id}`,
  backend: 'webgpu',
  keptStep: null,
  label: `run ${id}, "quoted"`,
  config: DEFAULT_RL,
  metrics,
  records: [],
  status: 'done',
  step: metrics.length,
  error: null,
});
/** Held-out figures with sampled answers `a` (SE 0.01) and greedy answers a + 0.1. */
const ho = (a: number): HeldoutFigures => ({
  count: 64,
  sampled: {
    k: 4,
    temperature: 1,
    top_p: 1,
    desc_exact: 0,
    desc_f1: 0,
    answer_acc: a,
    lucky: 0,
    se: { desc_exact: 0, desc_f1: 0, answer_acc: 0.01, lucky: 0 },
  },
  greedy: { desc_exact: 0, desc_f1: 0, answer_acc: a + 0.1 },
  gt_desc_nll: 0.2,
});
const acc: ChartDef = {
  title: 'held-out',
  unit: '%',
  value: (x) => x.heldout?.sampled?.answer_acc,
  start: (x) => x.heldout_start?.sampled?.answer_acc,
};
const band: ChartDef = {
  ...acc,
  se: (x, atStart) => (atStart ? x.heldout_start : x.heldout)?.sampled?.se.answer_acc,
  beside: (x, atStart) => (atStart ? x.heldout_start : x.heldout)?.greedy.answer_acc,
  raw: true,
};

describe('chart data', () => {
  it('smooths with a debiased EMA: the first point is kept, a step is approached geometrically', () => {
    expect(smooth([1, 1, 1], 0.9)).toEqual([1, 1, 1].map(() => expect.closeTo(1, 12)));
    const s = smooth([0, 0, 10, 10], 0.5);
    expect(s[0]).toBe(0);
    expect(s[2]).toBeCloseTo((0.5 * 10) / (1 - 0.125), 12);
    expect(smooth([3, 7], 0)).toEqual([3, 7]);
  });

  it('puts the warm start at x = 0 of a held-out curve, and merges runs by x', () => {
    const a = run(1, [m(0, 0.5, { heldout_start: ho(0.4) }), m(1, 0.5, { heldout: ho(0.45) })]);
    const b = run(2, [m(0, 0.1, { heldout: ho(0.2) })]);
    const rows = chartRows([a, b], acc, 'step', 0);
    expect(rows.map((r) => r.x)).toEqual([0, 1, 2]);
    expect(rows[0]).toMatchObject({ raw1: 0.4 });
    expect(rows[1]).toMatchObject({ raw2: 0.2 });
    expect(rows[2]).toMatchObject({ raw1: 0.45 });
    expect(chartRows([a], acc, 'tokens', 0).map((r) => r.x)).toEqual([0, 300]);
    expect(chartCsv([a], acc, 'step')).toBe(
      'run,step,held-out\n"run 1, ""quoted""",0,0.4\n"run 1, ""quoted""",2,0.45\n',
    );
  });

  it('draws a held-out figure with its SE band and greedy beside it, never smoothed', () => {
    const a = run(1, [m(0, 0.5, { heldout_start: ho(0.4) }), m(1, 0.5, { heldout: ho(0.6) })]);
    const rows = chartRows([a], band, 'step', 0.9);
    expect(rows[0]).toMatchObject({ x: 0, raw1: 0.4, sm1: 0.4, bs1: expect.closeTo(0.5, 12) });
    expect(rows[0].lo1).toBeCloseTo(0.39, 12);
    expect(rows[0].hi1).toBeCloseTo(0.41, 12);
    expect(rows[1]).toMatchObject({ x: 2, raw1: 0.6, sm1: 0.6 });
    expect(chartCsv([a], band, 'step').split('\n')[0]).toBe('run,step,held-out,se,beside');
  });

  it("flattens a run's metrics into CSV columns", () => {
    const csv = metricsCsv([m(0, 0.5), m(1, 0.25, { heldout: ho(0.3) })]).split('\n');
    expect(csv[0].split(',')).toEqual(
      expect.arrayContaining([
        'step',
        'answer_acc',
        'phase_ms.sample',
        'heldout.sampled.answer_acc',
        'heldout.sampled.se.answer_acc',
        'heldout.greedy.answer_acc',
      ]),
    );
    const cols = csv[0].split(',');
    expect(csv[2].split(',')[cols.indexOf('answer_acc')]).toBe('0.25');
    expect(csv[2].split(',')[cols.indexOf('heldout.sampled.se.answer_acc')]).toBe('0.01');
    expect(csv[1].split(',')[cols.indexOf('heldout.sampled.answer_acc')]).toBe('');
  });

  it('formats numbers to 3 significant digits and keeps the sign of small ticks', () => {
    expect(fmtSig(0.123456)).toBe('0.123');
    expect(fmtSig(12345.6)).toBe('12,300');
    expect(fmtSig(-0.0008)).toBe('-8.00e-4');
    expect(fmtTick(-0.0008)).toBe('-8e-4');
    expect(fmtTick(0.25)).toBe('0.25');
  });
});
