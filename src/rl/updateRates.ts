// What an update did to descriptions, in the terms of the lesson: within a prompt's group, does the update favour
// the right description over a wrong one, and does it push up the description of a lucky guess (a right answer
// after a wrong description)? A near-miss (wrong, but most of its objects right) is counted apart: a reward that
// credits near-misses is not blind, and mixing them in made MIRL look blinder than GRPO (#43).

import type { UpdateCounts } from './types';

/** A wrong description is a near-miss when at least this share of its objects match the scene (object-level F1). */
export const NEAR_MISS_F1 = 0.5;

/** One description of a step, as the update saw it. */
export interface RateRow {
  /** The prompt's group within the step: only descriptions of one group are compared. */
  group: number;
  /** The mean advantage over the description's tokens: what the update did to it (0 = nothing). */
  descAdv: number;
  /** Exactly right against the scene. */
  exact: boolean;
  /** Object-level F1 against the scene. */
  f1: number;
  /** The answer after it: null where it was not answered (a pre-sample not continued). */
  answerRight: boolean | null;
}

export type DescClass = 'right' | 'near' | 'wrong';

export function descClass(r: Pick<RateRow, 'exact' | 'f1'>): DescClass {
  return r.exact ? 'right' : r.f1 >= NEAR_MISS_F1 ? 'near' : 'wrong';
}

export const emptyCounts = (): UpdateCounts => ({
  pairs: 0,
  pair_wins: 0,
  near_pairs: 0,
  near_pair_wins: 0,
  lucky: 0,
  lucky_up: 0,
  near_lucky: 0,
  near_lucky_up: 0,
});

/**
 * The counts over rows: (right, wrong) pairs within a group and those whose update favoured the right one (a tie
 * counts half: the update did not choose); the same for (right, near-miss) pairs; lucky guesses with a wrong
 * description and those pushed up (advantage > 0), and the same for near-misses.
 */
export function updateCounts(rows: readonly RateRow[]): UpdateCounts {
  const c = emptyCounts();
  const groups = new Map<number, RateRow[]>();
  for (const r of rows) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  for (const g of groups.values()) {
    const right = g.filter((r) => descClass(r) === 'right');
    for (const o of g) {
      const cls = descClass(o);
      if (cls === 'right') continue;
      if (o.answerRight === true) {
        if (cls === 'near') {
          c.near_lucky++;
          if (o.descAdv > 0) c.near_lucky_up++;
        } else {
          c.lucky++;
          if (o.descAdv > 0) c.lucky_up++;
        }
      }
      for (const r of right) {
        const win = r.descAdv > o.descAdv ? 1 : r.descAdv === o.descAdv ? 0.5 : 0;
        if (cls === 'near') {
          c.near_pairs++;
          c.near_pair_wins += win;
        } else {
          c.pairs++;
          c.pair_wins += win;
        }
      }
    }
  }
  return c;
}

export function addCounts(a: UpdateCounts, b: UpdateCounts): UpdateCounts {
  const s = { ...a };
  for (const k of Object.keys(s) as (keyof UpdateCounts)[]) s[k] += b[k];
  return s;
}

/** wins of n, or null with nothing to count: a rate of no pairs is not 0%. */
export const rateOf = (wins: number, n: number): number | null => (n > 0 ? wins / n : null);
