// A rollout as the update trains on it: its rows (prompt-major, whole prompt groups), each token's segment
// (description or answer), rewards, per-token advantages and loss mask; and the batch's shape changes the update
// needs: auxiliary groups appended, and a range of groups taken as a batch of its own (a minibatch).

import type { SeqRow } from '../model/inputs';

export const SEG_NONE = 0;
export const SEG_PERC = 1;
export const SEG_ANS = 2;

export interface TrainBatch {
  /** The batch's prompts, and rows per prompt (its group: the config's G, or MIRL's N); rows are prompt-major. */
  prompts: number;
  perPrompt: number;
  rows: SeqRow[];
  images: Float32Array[];
  /** Per row, the segment of each token after the prefix. */
  seg: number[][];
  rPerc: number[];
  rAns: number[];
  keep: number[];
  /** Per row, per generated token: its advantage, and whether it enters the loss (1) or not (0). */
  adv: number[][];
  mask: number[][];
  /** Per row: the perception and answer advantages the records show. */
  advPerc: number[];
  advAns: number[];
  /** Groups trained with the batch but not part of its records or metrics (PEARL's probe rollouts); rows after the batch's. */
  aux?: TrainBatch;
}

/** The batch with its auxiliary groups appended (their image choices moved past the batch's images). */
export function withAux(b: TrainBatch): TrainBatch {
  const a = b.aux;
  if (!a) return b;
  if (a.perPrompt !== b.perPrompt) throw new Error(`auxiliary groups of ${a.perPrompt} rows beside ${b.perPrompt}`);
  const shift = b.images.length;
  const rows = a.rows.map((r) => ({
    ...r,
    images: r.images.map((c) => (c.kind === 'image' ? { kind: 'image' as const, index: c.index + shift } : c)),
  }));
  return {
    prompts: b.prompts + a.prompts,
    perPrompt: b.perPrompt,
    rows: [...b.rows, ...rows],
    images: [...b.images, ...a.images],
    seg: [...b.seg, ...a.seg],
    rPerc: [...b.rPerc, ...a.rPerc],
    rAns: [...b.rAns, ...a.rAns],
    keep: [...b.keep, ...a.keep],
    adv: [...b.adv, ...a.adv],
    mask: [...b.mask, ...a.mask],
    advPerc: [...b.advPerc, ...a.advPerc],
    advAns: [...b.advAns, ...a.advAns],
  };
}

/** The groups [g0, g1) of a batch as a batch of their own. */
export function groupSlice(b: TrainBatch, g0: number, g1: number): TrainBatch {
  const r0 = g0 * b.perPrompt;
  const r1 = g1 * b.perPrompt;
  return {
    ...b,
    prompts: g1 - g0,
    rows: b.rows.slice(r0, r1),
    seg: b.seg.slice(r0, r1),
    rPerc: b.rPerc.slice(r0, r1),
    rAns: b.rAns.slice(r0, r1),
    keep: b.keep.slice(r0, r1),
    adv: b.adv.slice(r0, r1),
    mask: b.mask.slice(r0, r1),
    advPerc: b.advPerc.slice(r0, r1),
    advAns: b.advAns.slice(r0, r1),
  };
}
