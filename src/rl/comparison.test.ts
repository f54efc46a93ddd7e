// The teaching comparison's arithmetic: held-out changes with their errors, the 2-SE call, time left.
import { describe, expect, it } from 'vitest';
import type { HeldoutFigures } from '../model/evaluate';
import { armChange, blindRates, compare, comparisonArms, heldoutChange, remainingMs } from './comparison';
import { DEFAULT_RL, validateRL } from './config';
import type { StepMetrics } from './types';

const figs = (f1: number, se: number): HeldoutFigures => ({
  count: 256,
  sampled: {
    k: 4,
    temperature: 1,
    top_p: 1,
    desc_exact: f1 / 2,
    desc_f1: f1,
    answer_acc: 0.4,
    lucky: 0.3,
    se: { desc_exact: se, desc_f1: se, answer_acc: se, lucky: se },
  },
  greedy: { desc_exact: 0.3, desc_f1: 0.6, answer_acc: 0.5 },
  gt_desc_nll: 0.16,
});
const step = (i: number, ms: number, x: Partial<StepMetrics> = {}) => ({ step: i, step_ms: ms, ...x }) as StepMetrics;

describe('teaching comparison', () => {
  it('its arms are valid configs at the v5 size, differing only in what defines each arm', () => {
    const arms = comparisonArms(3);
    for (const a of arms) {
      expect(validateRL(a.config)).toEqual({});
      expect(a.config.seed).toBe(3);
      expect(a.config.batchPrompts).toBe(DEFAULT_RL.batchPrompts);
    }
    expect(arms.map((a) => a.config.algo)).toEqual(['grpo', 'mirl', 'perception-r1', 'racro', 'pearl', 'vppo']);
    expect(arms.filter((a) => a.core).map((a) => a.algo)).toEqual(['grpo', 'mirl', 'perception-r1']);
  });

  it("a run's change is its last held-out figure minus the warm start's, SE of both", () => {
    const ms = [
      step(0, 1, { heldout_start: figs(0.5, 0.03) }),
      step(19, 1, { heldout: figs(0.55, 0.04) }),
      step(39, 1, { heldout: figs(0.6, 0.04) }),
      step(40, 1),
    ];
    const c = heldoutChange(ms, 'desc_f1')!;
    expect(c.mean).toBeCloseTo(0.1, 12);
    expect(c.se).toBeCloseTo(0.05, 12);
    expect(c.step).toBe(40);
    expect(heldoutChange([step(0, 1)], 'desc_f1')).toBeNull();
  });

  it('over seeds, the SE is that of the runs, not of the problems', () => {
    const run = (d: number) => [
      step(0, 1, { heldout_start: figs(0.5, 0.01) }),
      step(59, 1, { heldout: figs(0.5 + d, 0.01) }),
    ];
    const a = armChange([run(0.01), run(0.03), run(0.05)], 'desc_f1')!;
    expect(a.mean).toBeCloseTo(0.03, 12);
    expect(a.se).toBeCloseTo(0.02 / Math.sqrt(3), 12);
    expect(a.over).toBe('seeds');
  });

  it('calls a difference only beyond 2 SE', () => {
    expect(compare({ mean: 0.05, se: 0.01 }, { mean: 0, se: 0.01 }).called).toBe(true);
    expect(compare({ mean: 0.02, se: 0.01 }, { mean: 0, se: 0.01 }).called).toBe(false);
    expect(compare({ mean: 0, se: 0.01 }, { mean: 0.05, se: 0.01 }).mean).toBeCloseTo(-0.05, 12);
  });

  it('sums blind counts over the steps that have them', () => {
    const b = { wrong: 4, wrong_up: 1, right: 2, right_down: 1, pairs: 8, pair_wins: 6 };
    const r = blindRates([step(0, 1, { blind: b }), step(1, 1), step(2, 1, { blind: b })])!;
    expect(r.steps).toBe(2);
    expect(r.wrongUp).toBeCloseTo(0.25, 12);
    expect(r.favoursRight).toBeCloseTo(0.75, 12);
    expect(blindRates([step(0, 1)])).toBeNull();
  });

  it('time left: plain steps at their mean, and each evaluation still to come at what one added', () => {
    const cfg = { steps: 60, heldoutEvery: 20, heldoutCount: 256 };
    // step 0 holds the warm start's evaluation (+50), step 19 the first (+50); plain steps take 10
    const ms = [
      step(0, 60, { heldout_start: figs(0.5, 0.01) }),
      ...Array.from({ length: 18 }, (_, i) => step(i + 1, 10)),
      step(19, 60, { heldout: figs(0.5, 0.01) }),
    ];
    const r = remainingMs(ms, cfg)!;
    expect(r.perStepMs).toBeCloseTo(10, 12);
    expect(r.ms).toBeCloseTo(40 * 10 + 2 * 50, 9);
    expect(remainingMs([], cfg)).toBeNull();
    expect(remainingMs(ms, { ...cfg, heldoutEvery: 0 })!.ms).toBeCloseTo(400, 9);
  });
});
