// Rewards: the verifier's answer check (plus a small format reward) and the
// perception reward from MI scores, normalised per group as configured.

import type { Problem } from '../tasks/problem';
import { tokenizer } from '../tasks/tokenizer';
import { labelCompletion, scoreDescription } from '../tasks/verifier';
import type { RLConfig } from './config';
import type { RowLabel } from './algorithms/types';

/** Labels of a row: its description against the scene, and (when continued) its answer. */
export function labelRow(p: Problem, desc: readonly number[], completion: readonly number[] | null): RowLabel {
  const d = scoreDescription(tokenizer.decodeWords(desc), p);
  if (!completion)
    return { perceptionRight: d.exact, descF1: d.f1, answerRight: null, answerScore: null, formatOk: null };
  const l = labelCompletion(tokenizer.decodeWords(completion), p);
  return {
    perceptionRight: d.exact,
    descF1: d.f1,
    answerRight: l.answerRight,
    answerScore: l.answerScore,
    formatOk: l.formatOk,
  };
}

/** The verifier's answer score (1 or 0, or the boxes' partial credit) plus the format reward. */
export function answerReward(l: RowLabel, cfg: Pick<RLConfig, 'formatReward'>): number {
  return (l.answerScore ?? 0) + (l.formatOk ? cfg.formatReward : 0);
}

/** Perception rewards of one group from MI scores. */
export function perceptionRewards(mi: readonly number[], cfg: Pick<RLConfig, 'percNorm' | 'percThreshold'>): number[] {
  const n = mi.length;
  switch (cfg.percNorm) {
    case 'raw':
      return [...mi];
    case 'zscore': {
      const m = mi.reduce((a, b) => a + b, 0) / n;
      const sd = Math.sqrt(mi.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, n - 1));
      return mi.map((x) => (sd > 0 ? (x - m) / sd : 0));
    }
    case 'rank':
      return mi.map((x, i) => mi.filter((y, j) => y < x || (y === x && j < i)).length / Math.max(1, n - 1));
    case 'threshold':
      return mi.map((x) => (x > cfg.percThreshold ? 1 : 0));
  }
}

/** Per group of n, perception rewards. */
export function groupedPerceptionRewards(
  mi: readonly number[],
  n: number,
  cfg: Pick<RLConfig, 'percNorm' | 'percThreshold'>,
): number[] {
  const out: number[] = [];
  for (let g = 0; g < mi.length; g += n) out.push(...perceptionRewards(mi.slice(g, g + n), cfg));
  return out;
}
