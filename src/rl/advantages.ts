// Advantages as small pure host functions, as verl's core_algos keeps them: group statistics,
// DAPO's flat-group filter, the decoupled per-row advantages and their per-token spread. An
// algorithm's rollout calls `withAdvantages`; the update only does loss, backward and AdamW.
// They work on prompts x perPrompt scalars, far too few for a GPU kernel to pay. Values are
// rounded to f32 where the update's buffers hold them, so that the records show what trained.

import type { RLConfig } from './config';
import { mean } from './metrics';
import { SEG_ANS, SEG_NONE, SEG_PERC, type TrainBatch } from './batch';

export type AdvantageCfg = Pick<RLConfig, 'advNormalize' | 'wPerc' | 'wAns' | 'dropFlatGroups'>;

/** What a rollout hands over before its advantages: the rows, their segments and rewards. */
export type RewardedBatch = Omit<TrainBatch, 'adv' | 'mask' | 'advPerc' | 'advAns'>;

/** Perception-R1's object credit: per row, a perception advantage per generated token, and the description's length. */
export interface TokenCredit {
  perToken: number[][];
  descLen: number[];
}

const ADV_EPS = 1e-6;

/**
 * A group's mean and the factor its centred rewards are multiplied by: 1 / (sample std + eps) under
 * 'std', 1 under 'none'. An all-equal group gets factor 0 (so zero advantage even at eps = 0).
 */
export function groupStats(
  xs: readonly number[],
  normalize: RLConfig['advNormalize'],
  eps = ADV_EPS,
): { mean: number; scale: number } {
  const n = xs.length;
  if (n === 0) return { mean: 0, scale: 0 };
  const m = xs.reduce((a, b) => a + b, 0) / n;
  if (normalize === 'none') return { mean: m, scale: 1 };
  const v = n > 1 ? xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1) : 0;
  const sd = Math.sqrt(v) + eps;
  return { mean: m, scale: sd > 0 ? 1 / sd : 0 };
}

/** The row indices of each of a batch's groups (prompt-major). */
function groups(prompts: number, perPrompt: number): number[][] {
  return Array.from({ length: prompts }, (_, g) => Array.from({ length: perPrompt }, (_v, j) => g * perPrompt + j));
}

const allEqual = (xs: readonly number[]) => xs.every((x) => x === xs[0]);

/**
 * DAPO's filter per segment: a group whose perception (or kept answer) rewards are all equal trains
 * nothing in that segment, instead of diluting the loss's mean. Returns the segments with those set to none.
 */
export function dropFlatSegments(b: RewardedBatch): number[][] {
  const seg = b.seg.map((s) => [...s]);
  for (const idx of groups(b.prompts, b.perPrompt)) {
    const flatPerc = allEqual(idx.map((i) => b.rPerc[i]));
    const flatAns = allEqual(idx.filter((i) => b.keep[i]).map((i) => b.rAns[i]));
    for (const i of idx)
      seg[i] = seg[i].map((s) => ((s === SEG_PERC && flatPerc) || (s === SEG_ANS && flatAns) ? SEG_NONE : s));
  }
  return seg;
}

/**
 * Decoupled advantages per row: the perception reward normalised over all the group's rows, the
 * answer reward over its kept rows only (0 on a row that was not continued).
 */
export function rowAdvantages(
  b: Pick<RewardedBatch, 'prompts' | 'perPrompt' | 'rPerc' | 'rAns' | 'keep'>,
  normalize: RLConfig['advNormalize'],
  eps = ADV_EPS,
): { perc: number[]; ans: number[] } {
  const perc: number[] = [];
  const ans: number[] = [];
  // rewards enter as f32, as every backend's buffer held them when this was a kernel
  const rPerc = b.rPerc.map(Math.fround);
  const rAns = b.rAns.map(Math.fround);
  for (const idx of groups(b.prompts, b.perPrompt)) {
    const p = groupStats(
      idx.map((i) => rPerc[i]),
      normalize,
      eps,
    );
    const kept = idx.filter((i) => b.keep[i] === 1);
    const a = groupStats(
      kept.map((i) => rAns[i]),
      normalize,
      eps,
    );
    for (const i of idx) {
      perc.push(Math.fround((rPerc[i] - p.mean) * p.scale));
      ans.push(b.keep[i] === 1 ? Math.fround((rAns[i] - a.mean) * a.scale) : 0);
    }
  }
  return { perc, ans };
}

/**
 * Per row, the advantage of each generated token by its segment: perception tokens wPerc x the row's
 * perception advantage (or their own under token credit, 0 past it), answer tokens wAns x the answer's, none 0.
 */
export function tokenAdvantages(
  seg: readonly (readonly number[])[],
  row: { perc: readonly number[]; ans: readonly number[] },
  w: Pick<RLConfig, 'wPerc' | 'wAns'>,
  credit?: readonly (readonly number[])[],
): number[][] {
  return seg.map((s, i) =>
    s.map((k, j) =>
      k === SEG_PERC
        ? Math.fround(w.wPerc * (credit ? (credit[i][j] ?? 0) : row.perc[i]))
        : k === SEG_ANS
          ? Math.fround(w.wAns * row.ans[i])
          : 0,
    ),
  );
}

/** A rollout's batch with its advantages: the segments after the flat filter decide which tokens train. */
export function withAdvantages(b: RewardedBatch, cfg: AdvantageCfg, credit?: TokenCredit): TrainBatch {
  const seg = cfg.dropFlatGroups ? dropFlatSegments(b) : b.seg;
  const row = rowAdvantages(b, cfg.advNormalize);
  const adv = tokenAdvantages(seg, row, cfg, credit?.perToken);
  return {
    ...b,
    adv,
    mask: seg.map((s) => s.map((k) => (k === SEG_NONE ? 0 : 1))),
    // under token credit the row has no single perception advantage: its description tokens' mean stands for it
    advPerc: credit ? adv.map((a, i) => mean(a.slice(0, credit.descLen[i]))) : row.perc,
    advAns: row.ans,
  };
}
