// The advantages on hand-computed cases: group statistics, the flat-group filter, the decoupled
// per-row advantages, their per-token spread with weights and token credit, and the batch they make.
import { describe, expect, it } from 'vitest';
import {
  dropFlatSegments,
  groupStats,
  rowAdvantages,
  tokenAdvantages,
  withAdvantages,
  type RewardedBatch,
} from './advantages';
import { DEFAULT_RL } from './config';
import { SEG_ANS, SEG_NONE, SEG_PERC } from './batch';

const [N, P, A] = [SEG_NONE, SEG_PERC, SEG_ANS];

describe('group statistics', () => {
  it('mean and 1 / (sample std + eps); an all-equal group scales to 0; none keeps the raw spread', () => {
    const s = groupStats([1, 2, 3, 4], 'std', 0);
    expect(s.mean).toBe(2.5);
    expect(s.scale).toBeCloseTo(1 / Math.sqrt(5 / 3), 12); // squares 2.25 + 0.25 + 0.25 + 2.25 = 5, over n - 1
    expect(groupStats([1, 2, 3, 4], 'std', 0.5).scale).toBeCloseTo(1 / (Math.sqrt(5 / 3) + 0.5), 12);
    expect(groupStats([0.5, 0.5, 0.5], 'std', 0).scale).toBe(0);
    expect(groupStats([1, 2, 3, 4], 'none')).toEqual({ mean: 2.5, scale: 1 });
    expect(groupStats([], 'std')).toEqual({ mean: 0, scale: 0 });
  });
});

describe('decoupled row advantages', () => {
  it('perception over every row of the group, the answer over its kept rows; a dropped row gets no answer advantage', () => {
    const b = {
      prompts: 2,
      perPrompt: 4,
      rPerc: [1, 2, 3, 4, 5, 5, 5, 5],
      rAns: [1, 0, 1, 0, 1, 1, 1, 1],
      keep: [1, 1, 1, 0, 1, 1, 0, 0],
    };
    const r = rowAdvantages(b, 'std', 0);
    const sd = Math.sqrt(5 / 3);
    expect(r.perc.slice(0, 4)).toEqual([-1.5, -0.5, 0.5, 1.5].map((x) => Math.fround(x / sd)));
    // kept answers of group 0: [1, 0, 1] -> mean 2/3, sample std sqrt(1/3)
    expect(r.ans[0]).toBeCloseTo(1 / 3 / Math.sqrt(1 / 3), 6);
    expect(r.ans[1]).toBeCloseTo(-2 / 3 / Math.sqrt(1 / 3), 6);
    expect(r.ans[3]).toBe(0);
    expect(r.perc.slice(4)).toEqual([0, 0, 0, 0]); // equal perception rewards
    expect(r.ans.slice(4)).toEqual([0, 0, 0, 0]); // kept answers all 1
    // Dr.GRPO: centred, not scaled
    expect(rowAdvantages(b, 'none').perc.slice(0, 4)).toEqual([-1.5, -0.5, 0.5, 1.5]);
  });

  it('values are f32, as the update uploads them', () => {
    const r = rowAdvantages(
      { prompts: 1, perPrompt: 3, rPerc: [0.1, 0.2, 0.7], rAns: [0, 0, 1], keep: [1, 1, 1] },
      'std',
    );
    for (const x of [...r.perc, ...r.ans]) expect(Math.fround(x)).toBe(x);
  });
});

describe('token advantages', () => {
  const row = { perc: [0.5, -0.5], ans: [-1, 1] };
  it('each token carries its segment weight times its row advantage; none-segment tokens 0', () => {
    const adv = tokenAdvantages(
      [
        [P, P, A, N],
        [P, A, A],
      ],
      row,
      { wPerc: 0.5, wAns: 2 },
    );
    expect(adv).toEqual([
      [0.25, 0.25, -2, 0],
      [-0.25, 2, 2],
    ]);
  });

  it("token credit replaces the row's perception advantage on perception tokens only, and is 0 past its end", () => {
    const credit = [[1, -1], [0.5]];
    const adv = tokenAdvantages(
      [
        [P, P, A],
        [P, P, A],
      ],
      row,
      { wPerc: 2, wAns: 1 },
      credit,
    );
    expect(adv).toEqual([
      [2, -2, -1],
      [1, 0, 1],
    ]);
  });
});

describe('the flat-group filter and the batch', () => {
  const b: RewardedBatch = {
    prompts: 2,
    perPrompt: 2,
    rows: [],
    images: [],
    seg: [
      [P, A],
      [P, A],
      [P, A],
      [P, N],
    ],
    rPerc: [0.3, 0.3, 0.1, 0.9],
    // group 1's kept answers are all 1: row 3 was not continued
    rAns: [1, 0, 1, 0],
    keep: [1, 1, 1, 0],
  };

  it('a group whose perception (or kept answer) rewards are all equal trains nothing in that segment', () => {
    expect(dropFlatSegments(b)).toEqual([
      [N, A],
      [N, A],
      [P, N],
      [P, N],
    ]);
  });

  it('withAdvantages: masks follow the filtered segments; the rows carry their advantages', () => {
    const cfg = { ...DEFAULT_RL, advNormalize: 'none' as const, wPerc: 1, wAns: 1 };
    const kept = withAdvantages(b, { ...cfg, dropFlatGroups: false });
    expect(kept.mask).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
      [1, 0],
    ]);
    expect(kept.advAns).toEqual([0.5, -0.5, 0, 0]);
    expect(kept.advPerc.map((x) => Number(x.toFixed(6)))).toEqual([0, 0, -0.4, 0.4]);
    const dapo = withAdvantages(b, { ...cfg, dropFlatGroups: true });
    expect(dapo.mask).toEqual([
      [0, 1],
      [0, 1],
      [1, 0],
      [1, 0],
    ]);
    expect(dapo.adv[2][1]).toBe(0);
    // under token credit the row's perception advantage is its description tokens' mean
    const credit = withAdvantages(
      b,
      { ...cfg, dropFlatGroups: false },
      { perToken: [[2], [4], [6], [1]], descLen: [1, 1, 1, 1] },
    );
    expect(credit.advPerc).toEqual([2, 4, 6, 1]);
  });
});
