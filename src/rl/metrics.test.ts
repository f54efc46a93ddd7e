// MIRL's pre-screening, measured: the fork lift against hand-counted rows.
import { describe, expect, it } from 'vitest';
import type { RowLabel } from './algorithms/types';
import { blindCounts, descAdvantage, forkLift, isBlindRecord } from './metrics';

const label = (perceptionRight: boolean, descF1: number): RowLabel => ({
  perceptionRight,
  descF1,
  answerRight: null,
  answerScore: null,
  formatOk: null,
});

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

describe('blind counts', () => {
  it('counts every description by the sign of its advantage, and pairs only within a group', () => {
    // two groups of 3: [right +1, wrong +2, wrong -1], [right -0.5, right 0, wrong 0.5]
    const adv = [1, 2, -1, -0.5, 0, 0.5];
    const right = [true, false, false, true, true, false];
    const c = blindCounts(adv, right, 3);
    expect(c).toEqual({ wrong: 3, wrong_up: 2, right: 3, right_down: 1, pairs: 4, pair_wins: 1 });
    // the same values as one group of 6 pair across prompts: 9 pairs
    expect(blindCounts(adv, right, 6).pairs).toBe(9);
  });

  it('a zero advantage pushes nothing, and a tie between a right and a wrong one counts half', () => {
    expect(blindCounts([0, 0], [true, false], 2)).toEqual({
      wrong: 1,
      wrong_up: 0,
      right: 1,
      right_down: 0,
      pairs: 1,
      pair_wins: 0.5,
    });
  });
});

describe('reward blindness of a recorded trajectory', () => {
  const rec = (tokAdv: number[], right: boolean, description = ['a', 'b']) => ({
    description,
    tokAdv,
    perceptionRight: right,
  });
  it('averages the advantage over the description tokens only', () => {
    expect(descAdvantage(rec([0.5, 1.5, -9], false))).toBe(1);
    expect(descAdvantage(rec([0.5], false, []))).toBeNull();
  });
  it('is blind when a wrong description is pushed up or a right one down, and not otherwise', () => {
    expect(isBlindRecord(rec([0.2, 0.2], false))).toBe(true);
    expect(isBlindRecord(rec([-0.2, -0.2], true))).toBe(true);
    expect(isBlindRecord(rec([0.2, 0.2], true))).toBe(false);
    expect(isBlindRecord(rec([-0.2, -0.2], false))).toBe(false);
    expect(isBlindRecord(rec([0, 0], false))).toBe(false);
    expect(isBlindRecord(rec([], false, []))).toBe(false);
  });
});
