// The lesson's rates on hand-made groups whose answers are known: pairs within a group only, ties half,
// near-misses apart, and nothing to count is no rate.
import { describe, expect, it } from 'vitest';
import { addCounts, descClass, emptyCounts, NEAR_MISS_F1, rateOf, updateCounts, type RateRow } from './updateRates';

const row = (group: number, descAdv: number, kind: 'right' | 'near' | 'wrong', answerRight: boolean | null = false) =>
  ({
    group,
    descAdv,
    exact: kind === 'right',
    f1: kind === 'right' ? 1 : kind === 'near' ? 0.67 : 0.2,
    answerRight,
  }) satisfies RateRow;

describe('update rates', () => {
  it('classes a description by exactness, then by F1 against the near-miss line', () => {
    expect(descClass({ exact: true, f1: 1 })).toBe('right');
    expect(descClass({ exact: false, f1: NEAR_MISS_F1 })).toBe('near');
    expect(descClass({ exact: false, f1: NEAR_MISS_F1 - 0.01 })).toBe('wrong');
    expect(descClass({ exact: false, f1: 0 })).toBe('wrong');
  });

  it('counts (right, wrong) pairs within a group, the right one favoured when its advantage is higher', () => {
    // group 0: right +1 against wrongs at -1 (win) and +2 (loss); group 1: right -1 against wrong -2 (win)
    const c = updateCounts([
      row(0, 1, 'right'),
      row(0, -1, 'wrong'),
      row(0, 2, 'wrong'),
      row(1, -1, 'right'),
      row(1, -2, 'wrong'),
    ]);
    expect(c.pairs).toBe(3);
    expect(c.pair_wins).toBe(2);
    expect(rateOf(c.pair_wins, c.pairs)).toBeCloseTo(2 / 3);
  });

  it('never pairs across groups', () => {
    // a right description in one group and a wrong one in another: no pair at all
    const c = updateCounts([row(0, 1, 'right'), row(1, -1, 'wrong')]);
    expect(c.pairs).toBe(0);
    expect(rateOf(c.pair_wins, c.pairs)).toBeNull();
  });

  it('counts a tie half: equal advantages (a flat group) favour neither', () => {
    const c = updateCounts([row(0, 0, 'right'), row(0, 0, 'wrong'), row(0, 0, 'wrong'), row(0, 0, 'near')]);
    expect(c.pairs).toBe(2);
    expect(c.pair_wins).toBe(1);
    expect(c.near_pairs).toBe(1);
    expect(c.near_pair_wins).toBe(0.5);
  });

  it('counts near-misses apart, in pairs and in lucky guesses', () => {
    const c = updateCounts([
      row(0, -0.5, 'right', true),
      row(0, 0.8, 'near', true), // a near-miss lucky guess pushed up, and its pair lost
      row(0, -0.9, 'wrong', true), // a lucky guess pushed down, its pair won
      row(0, 0.3, 'wrong', false), // pushed up, but the answer was wrong: not a lucky guess
    ]);
    expect(c).toEqual({
      pairs: 2,
      pair_wins: 1,
      near_pairs: 1,
      near_pair_wins: 0,
      lucky: 1,
      lucky_up: 0,
      near_lucky: 1,
      near_lucky_up: 1,
    });
  });

  it('counts a lucky guess pushed up only with a positive advantage; unanswered rows are no guesses', () => {
    const c = updateCounts([
      row(0, 0.4, 'wrong', true),
      row(0, 0, 'wrong', true), // untouched: not pushed up
      row(0, -0.2, 'wrong', true),
      row(0, 0.7, 'wrong', null), // a pre-sample never continued
    ]);
    expect(c.lucky).toBe(3);
    expect(c.lucky_up).toBe(1);
    expect(c.pairs).toBe(0); // no right description in the group
  });

  it('with no rows, every count is zero and every rate is null', () => {
    const c = updateCounts([]);
    expect(c).toEqual(emptyCounts());
    expect(rateOf(c.lucky_up, c.lucky)).toBeNull();
    expect(rateOf(c.near_pair_wins, c.near_pairs)).toBeNull();
  });

  it('sums counts field by field', () => {
    const a = updateCounts([row(0, 1, 'right'), row(0, 0, 'wrong', true)]);
    const b = updateCounts([row(0, 1, 'wrong', true)]);
    const s = addCounts(a, b);
    expect(s.pairs).toBe(1);
    expect(s.pair_wins).toBe(1);
    expect(s.lucky).toBe(2);
    expect(s.lucky_up).toBe(1);
    expect(a.lucky).toBe(1); // the inputs are left as they were
  });
});
