// Step metrics that need more than a mean.

/** AUC of scores for predicting positives (ties count half); null without both classes. */
export function auc(scores: readonly number[], positive: readonly boolean[]): number | null {
  const pos = scores.filter((_, i) => positive[i]), neg = scores.filter((_, i) => !positive[i]);
  if (!pos.length || !neg.length) return null;
  let s = 0;
  for (const p of pos) for (const n of neg) s += p > n ? 1 : p === n ? 0.5 : 0;
  return s / (pos.length * neg.length);
}

/**
 * AUC within groups: over pairs of one group (one prompt's rows), P(score of a
 * positive > score of a negative), ties half; null without such pairs. This is
 * the ranking a group-normalised reward acts on; an AUC across prompts mixes
 * in how hard each prompt is (a summed score grows with the scene's objects).
 */
export function groupedAuc(scores: readonly number[], positive: readonly boolean[], groupSize: number): number | null {
  const { wins, pairs } = groupedPairs(scores, positive, groupSize);
  return pairs ? wins / pairs : null;
}

/** The counts behind groupedAuc: (positive, negative) pairs within groups, and the positive's wins (ties half). */
export function groupedPairs(scores: readonly number[], positive: readonly boolean[], groupSize: number): { wins: number; pairs: number } {
  let s = 0, pairs = 0;
  for (let g = 0; g < scores.length; g += groupSize) {
    for (let i = g; i < Math.min(scores.length, g + groupSize); i++) {
      if (!positive[i]) continue;
      for (let j = g; j < Math.min(scores.length, g + groupSize); j++) {
        if (positive[j]) continue;
        pairs++;
        s += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
    }
  }
  return { wins: s, pairs };
}

/**
 * Reward-blind updates: over description tokens with a non-zero advantage, the
 * fraction pushed up inside a wrong description or down inside a right one.
 */
export function rewardBlindFraction(descAdv: readonly (readonly number[])[], right: readonly boolean[]): number {
  let blind = 0, total = 0;
  descAdv.forEach((advs, i) => {
    for (const a of advs) {
      if (a === 0) continue;
      total++;
      if ((a > 0 && !right[i]) || (a < 0 && right[i])) blind++;
    }
  });
  return total ? blind / total : 0;
}

/** Fraction of groups whose values (over the given members) are all equal: zero advantage. */
export function zeroStdFraction(values: readonly number[], members: readonly boolean[], groupSize: number): number {
  let groups = 0, flat = 0;
  for (let g = 0; g < values.length; g += groupSize) {
    const xs = values.slice(g, g + groupSize).filter((_, i) => members[g + i]);
    if (!xs.length) continue;
    groups++;
    if (xs.every((x) => x === xs[0])) flat++;
  }
  return groups ? flat / groups : 0;
}

export const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
