// The second term of the MI score: what "the image removed" means, per
// estimator. Each returns, for every scoring row, the image choices of its
// K alternative passes, adding any images they need to the batch's list.

import type { ImageChoice, SeqRow } from '../model/inputs';
import { rngU32, Streams } from '../lib/rng';
import type { Estimator } from './config';

export interface AltPasses {
  K: number;
  /** passes[j][b]: the image choices of row b in alternative pass j. */
  passes: ImageChoice[][][];
}

function blankImage(size: number): Float32Array {
  return new Float32Array(size * size * 3).fill(0.93); // the scenes' background, no objects
}

function noiseImage(size: number, seed: number, step: number, row: number): Float32Array {
  return Float32Array.from(
    { length: size * size * 3 },
    (_, i) => (rngU32(seed, Streams.patchMask, step, row, i) >>> 8) / 16777216,
  );
}

/** The real image with each patch blacked out with probability 0.5 (the corruption of VPPO and PAPO). */
function patchMasked(
  img: Float32Array,
  size: number,
  patch: number,
  seed: number,
  step: number,
  row: number,
): Float32Array {
  const out = img.slice();
  const g = size / patch;
  for (let py = 0; py < g; py++) {
    for (let px = 0; px < g; px++) {
      if (rngU32(seed, Streams.patchMask, step, row, py * g + px) & 1) continue;
      for (let y = 0; y < patch; y++)
        out.fill(0, ((py * patch + y) * size + px * patch) * 3, ((py * patch + y) * size + px * patch + patch) * 3);
    }
  }
  return out;
}

/**
 * rows: the scoring rows (each with its real image choices into `images`);
 * promptOf[b]: which prompt row b belongs to (contrastive alternatives are
 * other prompts' images). Appends the images the alternatives need.
 */
export function alternativePasses(
  estimator: Estimator,
  rows: readonly SeqRow[],
  images: Float32Array[],
  promptImages: readonly number[][],
  promptOf: readonly number[],
  o: { K: number; size: number; patch: number; seed: number; step: number },
): AltPasses {
  const nullPass = () => rows.map((r) => r.images.map((): ImageChoice => ({ kind: 'null' })));
  switch (estimator) {
    case 'null':
      return { K: 1, passes: [nullPass()] };
    case 'blank': {
      const idx = images.push(blankImage(o.size)) - 1;
      return { K: 1, passes: [rows.map((r) => r.images.map((): ImageChoice => ({ kind: 'image', index: idx })))] };
    }
    case 'noise':
      return {
        K: 1,
        passes: [
          rows.map((r, b) =>
            r.images.map((_, k): ImageChoice => ({
              kind: 'image',
              index: images.push(noiseImage(o.size, o.seed, o.step, b * 4 + k)) - 1,
            })),
          ),
        ],
      };
    case 'patch':
      return {
        K: 1,
        passes: [
          rows.map((r, b) =>
            r.images.map((ch, k): ImageChoice =>
              ch.kind === 'image'
                ? {
                    kind: 'image',
                    index: images.push(patchMasked(images[ch.index], o.size, o.patch, o.seed, o.step, b * 4 + k)) - 1,
                  }
                : ch,
            ),
          ),
        ],
      };
    case 'contrastive': {
      const P = promptImages.length;
      if (o.K >= P) throw new Error(`contrastive estimator: ${o.K} alternatives need more than ${P} prompts per step`);
      const passes = Array.from({ length: o.K }, (_, j) =>
        rows.map((r, b) => {
          const other = promptImages[(promptOf[b] + j + 1) % P];
          return r.images.map((ch, k): ImageChoice =>
            ch.kind === 'image' && other[k] !== undefined ? { kind: 'image', index: other[k] } : { kind: 'null' },
          );
        }),
      );
      return { K: o.K, passes };
    }
  }
}
