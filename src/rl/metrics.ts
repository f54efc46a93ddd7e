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
