// From token rows and images to the tensors TinyVLM reads.

import { IGNORE_INDEX, type Backend } from '../backend/backend';
import { tokenizer } from '../tasks/tokenizer';
import { SPECIAL } from '../tasks/vocab';
import { patchDim, patchesPerImage, type ModelConfig } from './config';
import type { DecoderInputs, EncoderInputs } from './tinyvlm';

/** Which image fills an image block of a row: one of the batch's images, or the learned null image. */
export type ImageChoice = { kind: 'image'; index: number } | { kind: 'null' };

export interface SeqRow {
  ids: readonly number[];
  /** Tokens [0, prefixLen) attend both ways (image + question + the opening <desc>). */
  prefixLen: number;
  /** One choice per <img> block of the row, in order. */
  images: readonly ImageChoice[];
}

const PATCH_ID = tokenizer.id(SPECIAL.patch);

export interface DecoderArrays {
  B: number;
  T: number;
  tokIds: Uint32Array;
  imgIds: Uint32Array;
  nullIds: Uint32Array;
  posIds: Uint32Array;
  prefix: Uint32Array;
}

/** Rows padded to T (pad id 0); patch placeholders become image or null-image rows. */
export function decoderArrays(rows: readonly SeqRow[], T: number, c: ModelConfig): DecoderArrays {
  const B = rows.length;
  const P = patchesPerImage(c);
  if (T > c.maxSeq) throw new Error(`sequence of ${T} tokens over the model's ${c.maxSeq}`);
  const a: DecoderArrays = {
    B,
    T,
    tokIds: new Uint32Array(B * T),
    imgIds: new Uint32Array(B * T).fill(IGNORE_INDEX),
    nullIds: new Uint32Array(B * T).fill(IGNORE_INDEX),
    posIds: new Uint32Array(B * T),
    prefix: new Uint32Array(B),
  };
  rows.forEach((r, b) => {
    if (r.ids.length > T) throw new Error(`row ${b}: ${r.ids.length} tokens over ${T}`);
    a.prefix[b] = r.prefixLen;
    let k = 0;
    for (let t = 0; t < T; t++) {
      const i = b * T + t;
      a.posIds[i] = t;
      const id = t < r.ids.length ? r.ids[t] : 0;
      // Only the prompt holds image placeholders; a generated <patch> is a plain token.
      if (id !== PATCH_ID || t >= r.prefixLen) {
        a.tokIds[i] = id;
        continue;
      }
      a.tokIds[i] = IGNORE_INDEX;
      const img = r.images[Math.floor(k / P)];
      if (!img) throw new Error(`row ${b}: more patch placeholders than image choices`);
      if (img.kind === 'image') a.imgIds[i] = img.index * P + (k % P);
      else a.nullIds[i] = k % P;
      k++;
    }
  });
  return a;
}

export function uploadDecoder(be: Backend, a: DecoderArrays): DecoderInputs {
  const n = a.B * a.T;
  return {
    B: a.B,
    T: a.T,
    tokIds: be.fromArray([n], a.tokIds),
    imgIds: be.fromArray([n], a.imgIds),
    nullIds: be.fromArray([n], a.nullIds),
    posIds: be.fromArray([n], a.posIds),
    prefix: be.fromArray([a.B], a.prefix),
  };
}

/** A batch's images and rows on the device, as the model's two inputs, freed together. */
export function uploadBatch(
  be: Backend,
  rows: readonly SeqRow[],
  images: readonly Float32Array[],
  T: number,
  c: ModelConfig,
): { enc: EncoderInputs; dec: DecoderInputs; free(): void } {
  const enc = uploadImages(be, images, c);
  const dec = uploadDecoder(be, decoderArrays(rows, T, c));
  return {
    enc,
    dec,
    free: () => {
      freeDecoder(be, dec);
      freeEncoder(be, enc);
    },
  };
}

export function freeDecoder(be: Backend, d: DecoderInputs): void {
  for (const t of [d.tokIds, d.imgIds, d.nullIds, d.posIds, d.prefix]) be.free(t);
}

/** RGB [S, S, 3] in [0, 1] -> patches [P, patchSize * patchSize * 3], centred to [-1, 1]. */
function patchify(rgb: Float32Array, c: ModelConfig): Float32Array {
  const S = c.imageSize;
  const ps = c.patchSize;
  const g = S / ps;
  if (rgb.length !== S * S * 3) throw new Error(`image of ${rgb.length} values, expected ${S}x${S}x3`);
  const out = new Float32Array(g * g * ps * ps * 3);
  let o = 0;
  for (let py = 0; py < g; py++)
    for (let px = 0; px < g; px++)
      for (let y = 0; y < ps; y++)
        for (let x = 0; x < ps; x++)
          for (let ch = 0; ch < 3; ch++) out[o++] = rgb[((py * ps + y) * S + px * ps + x) * 3 + ch] * 2 - 1;
  return out;
}

export function uploadImages(be: Backend, images: readonly Float32Array[], c: ModelConfig): EncoderInputs {
  if (images.length === 0) return { nImg: 0, patches: null };
  const P = patchesPerImage(c);
  const D = patchDim(c);
  const all = new Float32Array(images.length * P * D);
  images.forEach((img, i) => all.set(patchify(img, c), i * P * D));
  return { nImg: images.length, patches: be.fromArray([images.length * P, D], all) };
}

export function freeEncoder(be: Backend, e: EncoderInputs): void {
  if (e.patches) be.free(e.patches);
}

/** Next-token targets: ids[t + 1] where that token is generated (t + 1 >= prefixLen), else ignored. */
export function nextTokenTargets(rows: readonly SeqRow[], T: number): Uint32Array {
  const out = new Uint32Array(rows.length * T).fill(IGNORE_INDEX);
  rows.forEach((r, b) => {
    for (let t = Math.max(0, r.prefixLen - 1); t + 1 < r.ids.length; t++) out[b * T + t] = r.ids[t + 1];
  });
  return out;
}

export const maxLen = (rows: readonly SeqRow[]) => rows.reduce((m, r) => Math.max(m, r.ids.length), 0);
