// Teacher-forced scoring: log p of given tokens under the model, for a batch
// of rows and a choice of image per row (real, null, another row's, a blank or
// noise image: whatever the rows' image choices point at).

import type { Tensor } from '../backend/backend';
import { decoderArrays, freeDecoder, freeEncoder, maxLen, nextTokenTargets, uploadDecoder, uploadImages, type SeqRow } from './inputs';
import type { TinyVLM } from './tinyvlm';

export interface ScoredBatch {
  /** log p(ids[t + 1] | ids[<= t]) at [b * T + t] for generated positions, 0 elsewhere; on the device. */
  logprobs: Tensor;
  T: number;
  free(): void;
}

/** Log-probabilities of every row's tokens after its prefix, left on the device. */
export function scoreOnDevice(model: TinyVLM, rows: readonly SeqRow[], images: readonly Float32Array[]): ScoredBatch {
  const be = model.be, c = model.config;
  const T = maxLen(rows), N = rows.length * T;
  const enc = uploadImages(be, images, c);
  const dec = uploadDecoder(be, decoderArrays(rows, T, c));
  const targets = be.fromArray([N], nextTokenTargets(rows, T));
  const logprobs = be.zeros([N]), lse = be.zeros([N]);
  const logits = model.forward(enc, dec);
  be.logSoftmaxGather(logprobs, lse, logits, targets, N, c.vocabSize);
  for (const t of [targets, lse]) be.free(t);
  freeDecoder(be, dec);
  freeEncoder(be, enc);
  return { logprobs, T, free: () => be.free(logprobs) };
}

/** Per row, log p of tokens ids[prefixLen..] (read back to the host). */
export async function completionLogProbs(model: TinyVLM, rows: readonly SeqRow[], images: readonly Float32Array[]): Promise<Float32Array[]> {
  const s = scoreOnDevice(model, rows, images);
  const all = await model.be.read(s.logprobs);
  s.free();
  return rows.map((r, b) => all.slice(b * s.T + r.prefixLen - 1, b * s.T + r.ids.length - 1));
}
