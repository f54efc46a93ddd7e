// Teacher-forced scoring: log p of given tokens under the model, for a batch
// of rows and a choice of image per row (real, null, another row's, a blank or
// noise image: whatever the rows' image choices point at).

import { TensorScope, type MIScoreParams, type Tensor } from '../backend/backend';
import { patchesPerImage } from './config';
import { maxLen, nextTokenTargets, uploadBatch, type ImageChoice, type SeqRow } from './inputs';
import type { TinyVLM } from './tinyvlm';

interface ScoredBatch {
  /** log p(ids[t + 1] | ids[<= t]) at [b * T + t] for generated positions, 0 elsewhere; on the device. */
  logprobs: Tensor;
  T: number;
  free(): void;
}

/** Log-probabilities of every row's tokens after its prefix, left on the device. */
function scoreOnDevice(model: TinyVLM, rows: readonly SeqRow[], images: readonly Float32Array[]): ScoredBatch {
  const be = model.be;
  const c = model.config;
  const T = maxLen(rows);
  const N = rows.length * T;
  const s = new TensorScope(be);
  const { enc, dec } = s.defer(uploadBatch(be, rows, images, T, c));
  const targets = s.keep(be.fromArray([N], nextTokenTargets(rows, T)));
  const logprobs = be.zeros([N]);
  const lse = s.keep(be.zeros([N]));
  const logits = model.forward(enc, dec);
  be.logSoftmaxGather({ out: logprobs, lse, logits, ids: targets, N, V: c.vocabSize });
  s.free();
  return { logprobs, T, free: () => be.free(logprobs) };
}

/** Per row, log p of tokens ids[prefixLen..] (read back to the host). */
export async function completionLogProbs(
  model: TinyVLM,
  rows: readonly SeqRow[],
  images: readonly Float32Array[],
): Promise<Float32Array[]> {
  const s = scoreOnDevice(model, rows, images);
  const all = await model.be.read(s.logprobs);
  s.free();
  return rows.map((r, b) => all.slice(b * s.T + r.prefixLen - 1, b * s.T + r.ids.length - 1));
}

export interface MIScores {
  /** mi [B] and dep [B * T] on the device (the caller frees them). */
  mi: Tensor;
  dep: Tensor;
  T: number;
  forwardTokens: number;
}

/**
 * The MI score, the one definition the trainer and the evaluation share: each row's
 * description (the tokens after its prefix) scored with its real images and with each
 * alternative pass's image choices (`passes[j][b]`), in one batched forward, then the
 * mi_score kernel (S_real - log mean_j exp S_alt_j, per token or summed; backend.miScore).
 * `realLogp[b][j]`, when given, is the real pass's log p of description token j (drawn by
 * this same model): the forward then runs the alternatives only. `bucketCost`: see packedLogits (tests set it).
 */
export function scoreMI(
  model: TinyVLM,
  descRows: readonly SeqRow[],
  images: readonly Float32Array[],
  passes: readonly (readonly ImageChoice[][])[],
  agg: MIScoreParams,
  realLogp?: readonly (readonly number[])[],
  bucketCost = BUCKET_COST,
): MIScores {
  const be = model.be;
  const c = model.config;
  const alts = passes.flatMap((pass) => descRows.map((r, b) => ({ ...r, images: pass[b] })));
  const all: SeqRow[] = realLogp ? alts : [...descRows, ...alts];
  const T = maxLen(descRows);
  const B = descRows.length;
  const s = new TensorScope(be);
  let real: Tensor | undefined;
  if (realLogp) {
    const r = new Float32Array(B * T);
    descRows.forEach((row, b) => {
      const n = row.ids.length - row.prefixLen;
      if (realLogp[b].length < n)
        throw new Error(`scoreMI: row ${b} has ${n} description tokens but ${realLogp[b].length} sampled log-probs`);
      for (let j = 0; j < n; j++) r[b * T + row.prefixLen - 1 + j] = realLogp[b][j];
    });
    real = s.keep(be.fromArray([B * T], r));
  }
  const ids = s.keep(be.fromArray([B * T], nextTokenTargets(descRows, T)));
  const descStart = s.keep(
    be.fromArray(
      [B],
      Uint32Array.from(descRows, (r) => Math.max(0, r.prefixLen - 1)),
    ),
  );
  const descLen = s.keep(
    be.fromArray(
      [B],
      Uint32Array.from(descRows, (r) => r.ids.length - r.prefixLen),
    ),
  );
  const mi = be.zeros([B]);
  const dep = be.zeros([B * T]);
  const { logits, tokens } = packedLogits(model, all, images, T, s, bucketCost);
  be.miScore({ mi, dep, logits, ids, descStart, descLen, B, T, V: c.vocabSize, K: passes.length, p: agg, real });
  s.free();
  return { mi, dep, T, forwardTokens: tokens };
}

/** Forwards of a packed batch cost about this many token positions each beyond their rows (launches, the encoder). */
const BUCKET_COST = 256;

/**
 * Sorted row lengths cut into at most `maxBuckets` runs, each padded to its longest, minimising padded positions
 * plus `bucketCost` a run; returns each run's end (exclusive) in the sorted order. Runs end between distinct
 * lengths only, so the search is over the few distinct lengths.
 */
export function lengthBuckets(sorted: readonly number[], maxBuckets = 4, bucketCost = BUCKET_COST): number[] {
  // ends[i]: the end of the i-th distinct length's rows
  const ends: number[] = [];
  sorted.forEach((l, i) => {
    if (i + 1 === sorted.length || sorted[i + 1] !== l) ends.push(i + 1);
  });
  const m = ends.length;
  const rowsTo = (i: number) => (i === 0 ? 0 : ends[i - 1]);
  // cost[j][i]: the best cut of the first i distinct lengths into j runs; from[j][i]: where its last run starts
  const cost = Array.from({ length: maxBuckets + 1 }, () => new Array<number>(m + 1).fill(Infinity));
  const from = Array.from({ length: maxBuckets + 1 }, () => new Array<number>(m + 1).fill(0));
  cost[0][0] = 0;
  for (let j = 1; j <= maxBuckets; j++)
    for (let i = 1; i <= m; i++)
      for (let h = j - 1; h < i; h++) {
        const c = cost[j - 1][h] + (rowsTo(i) - rowsTo(h)) * sorted[ends[i - 1] - 1] + bucketCost;
        if (c < cost[j][i]) {
          cost[j][i] = c;
          from[j][i] = h;
        }
      }
  let best = 1;
  for (let j = 2; j <= maxBuckets; j++) if (cost[j][m] < cost[best][m]) best = j;
  const cuts: number[] = [];
  for (let j = best, i = m; j > 0; i = from[j][i], j--) cuts.unshift(rowsTo(i));
  return cuts;
}

/**
 * The logits [rows * T, vocab] of a teacher-forced forward over `rows`, as one padded forward gives them at every
 * position a row's targets read (t < its length), computed with less work: a row repeated in the batch (the same
 * tokens and image choices: a description sampled twice) is forwarded once, and the distinct rows run in a few
 * forwards by length, each padded to its own longest row. Bit for bit the padded forward's: every kernel computes
 * a row alone and a position from the positions before it (and the prefix), so neither the batch's other rows nor
 * the padding after a row change it (src/model/score.test.ts). Positions at or past a row's length are left 0.
 * `tokens`: the positions forwarded (with the images' patches once a forward).
 */
function packedLogits(
  model: TinyVLM,
  rows: readonly SeqRow[],
  images: readonly Float32Array[],
  T: number,
  s: TensorScope,
  bucketCost: number,
): { logits: Tensor; tokens: number } {
  const be = model.be;
  const c = model.config;
  const V = c.vocabSize;
  const firstOf = new Map<string, number>();
  const same = rows.map((r, i) => {
    const key = `${r.prefixLen};${r.ids.join(',')};${r.images.map((m) => (m.kind === 'image' ? m.index : 'n')).join(',')}`;
    const f = firstOf.get(key);
    if (f !== undefined) return f;
    firstOf.set(key, i);
    return i;
  });
  const distinct = [...firstOf.values()].sort((a, b) => rows[a].ids.length - rows[b].ids.length || a - b);
  const copies = new Map<number, number[]>();
  same.forEach((f, i) => copies.set(f, [...(copies.get(f) ?? []), i]));
  const logits = s.keep(be.zeros([rows.length * T * V]));
  let tokens = 0;
  let start = 0;
  if (!distinct.length) return { logits, tokens };
  for (const end of lengthBuckets(
    distinct.map((i) => rows[i].ids.length),
    4,
    bucketCost,
  )) {
    const part = distinct.slice(start, end);
    const Tb = rows[part[part.length - 1]].ids.length;
    const bs = new TensorScope(be);
    const { enc, dec } = bs.defer(
      uploadBatch(
        be,
        part.map((i) => rows[i]),
        images,
        Tb,
        c,
      ),
    );
    const out = model.forward(enc, dec);
    part.forEach((i, k) => {
      for (const dst of copies.get(i)!) be.copy(logits, out, dst * T * V, k * Tb * V, Tb * V);
    });
    bs.free();
    tokens += part.length * Tb + (images.length > 0 ? images.length * patchesPerImage(c) : 0);
    start = end;
  }
  return { logits, tokens };
}
