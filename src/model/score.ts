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
  be.logSoftmaxGather(logprobs, lse, logits, targets, N, c.vocabSize);
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
 * this same model): the forward then runs the alternatives only.
 */
export function scoreMI(
  model: TinyVLM,
  descRows: readonly SeqRow[],
  images: readonly Float32Array[],
  passes: readonly (readonly ImageChoice[][])[],
  agg: MIScoreParams,
  realLogp?: readonly (readonly number[])[],
): MIScores {
  const be = model.be;
  const c = model.config;
  const alts = passes.flatMap((pass) => descRows.map((r, b) => ({ ...r, images: pass[b] })));
  const all: SeqRow[] = realLogp ? alts : [...descRows, ...alts];
  const T = maxLen(descRows);
  const B = descRows.length;
  const s = new TensorScope(be);
  let real: Tensor | null = null;
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
  const { enc, dec } = s.defer(uploadBatch(be, all, images, T, c));
  const ids = s.keep(be.fromArray([B * T], nextTokenTargets(descRows, T)));
  const start = s.keep(
    be.fromArray(
      [B],
      Uint32Array.from(descRows, (r) => Math.max(0, r.prefixLen - 1)),
    ),
  );
  const len = s.keep(
    be.fromArray(
      [B],
      Uint32Array.from(descRows, (r) => r.ids.length - r.prefixLen),
    ),
  );
  const mi = be.zeros([B]);
  const dep = be.zeros([B * T]);
  const logits = model.forward(enc, dec);
  be.miScore(mi, dep, logits, ids, start, len, B, T, c.vocabSize, passes.length, agg, real ?? undefined);
  s.free();
  return { mi, dep, T, forwardTokens: all.length * T + (images.length > 0 ? images.length * patchesPerImage(c) : 0) };
}
