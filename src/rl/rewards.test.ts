// The perception and answer rewards on hand-computed cases.
import { describe, expect, it } from 'vitest';
import { answerReward, groupedPerceptionRewards, perceptionRewards } from './rewards';

const cfg = { percNorm: 'raw' as const, percThreshold: 1 };

describe('perception rewards from MI scores', () => {
  it('raw, z-score, rank (ties broken by order) and threshold', () => {
    const mi = [2, -1, 0.5, 2];
    expect(perceptionRewards(mi, cfg)).toEqual(mi);
    // mean 0.875, squares 1.265625 + 3.515625 + 0.140625 + 1.265625 = 6.1875 over 3
    const sd = Math.sqrt(6.1875 / 3);
    perceptionRewards(mi, { ...cfg, percNorm: 'zscore' }).forEach((r, i) =>
      expect(r).toBeCloseTo((mi[i] - 0.875) / sd, 12),
    );
    expect(perceptionRewards(mi, { ...cfg, percNorm: 'rank' })).toEqual([2 / 3, 0, 1 / 3, 1]);
    expect(perceptionRewards(mi, { ...cfg, percNorm: 'threshold', percThreshold: 0.5 })).toEqual([1, 0, 0, 1]);
    // an all-equal group has no spread: z-scores 0, not NaN
    expect(perceptionRewards([3, 3], { ...cfg, percNorm: 'zscore' })).toEqual([0, 0]);
  });

  it('normalise within each group of n, never across groups', () => {
    expect(groupedPerceptionRewards([1, 2, 10, 30], 2, { ...cfg, percNorm: 'rank' })).toEqual([0, 1, 0, 1]);
  });
});

describe('the answer reward', () => {
  it("the verifier's score (1 for a right answer, partial credit for boxes) plus the format reward", () => {
    const l = { perceptionRight: false, descF1: 0 };
    const r = (answerRight: boolean | null, answerScore: number | null, formatOk: boolean | null) =>
      answerReward({ ...l, answerRight, answerScore, formatOk }, { formatReward: 0.1 });
    expect(r(true, 1, true)).toBeCloseTo(1.1, 12);
    expect(r(false, 0, true)).toBeCloseTo(0.1, 12);
    expect(r(false, 0, false)).toBe(0);
    expect(r(null, null, null)).toBe(0);
    expect(r(false, 0.35, true)).toBeCloseTo(0.45, 12);
  });
});
