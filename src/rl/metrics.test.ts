// MIRL's pre-screening, measured: the fork lift against hand-counted rows.
import { describe, expect, it } from 'vitest';
import type { RowLabel } from './algorithms/types';
import { forkLift } from './metrics';

const label = (perceptionRight: boolean, descF1: number): RowLabel => ({ perceptionRight, descF1, answerRight: null, formatOk: null });

describe('fork lift', () => {
  it('is the exact rate and mean F1 of the kept rows minus those of all pre-samples', () => {
    // 4 pre-samples, 2 right; the 2 kept are one right (F1 1) and one wrong (F1 0.5)
    const labels = [label(true, 1), label(false, 0.5), label(true, 1), label(false, 0)];
    const r = forkLift(labels, [1, 1, 0, 0]);
    expect(r.fork_lift_exact).toBeCloseTo(0.5 - 0.5, 12);
    expect(r.fork_lift_f1).toBeCloseTo(0.75 - 0.625, 12);
    const best = forkLift(labels, [1, 0, 1, 0]);
    expect(best.fork_lift_exact).toBeCloseTo(1 - 0.5, 12);
  });

  it('is null where every row was kept (no pre-screening) or none was', () => {
    const labels = [label(true, 1), label(false, 0)];
    expect(forkLift(labels, [1, 1])).toEqual({ fork_lift_exact: null, fork_lift_f1: null });
    expect(forkLift(labels, [0, 0])).toEqual({ fork_lift_exact: null, fork_lift_f1: null });
  });
});
