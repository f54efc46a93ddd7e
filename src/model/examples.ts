// Problems as model rows: the prompt (image blocks + question + <desc>) and,
// for supervision, the ground-truth completion.

import { promptText } from '../tasks/language';
import { targetCompletion, type Problem } from '../tasks/problem';
import { renderScene } from '../tasks/render';
import { tokenizer } from '../tasks/tokenizer';
import { patchesPerImage, type ModelConfig } from './config';
import type { ImageChoice, SeqRow } from './inputs';

export interface Example {
  row: SeqRow;
  /** The rendered images this row's choices index (local indices). */
  images: Float32Array[];
}

function promptIds(p: Problem, c: ModelConfig): number[] {
  return tokenizer.encode(promptText(p.question, p.scenes.length, patchesPerImage(c)));
}

/** A problem as a row: prompt only, or prompt + ground-truth completion; `nullImage` swaps the images for the null image. */
export function problemExample(
  p: Problem,
  c: ModelConfig,
  opts: { withTarget?: boolean; nullImage?: boolean } = {},
): Example {
  const prompt = promptIds(p, c);
  const ids = opts.withTarget ? [...prompt, ...tokenizer.encode(targetCompletion(p))] : prompt;
  const images = opts.nullImage ? [] : p.scenes.map((s) => renderScene(s, c.imageSize));
  const choices: ImageChoice[] = p.scenes.map((_, i) =>
    opts.nullImage ? { kind: 'null' } : { kind: 'image', index: i },
  );
  return { row: { ids, prefixLen: prompt.length, images: choices }, images };
}

/** Many examples as one batch: image indices renumbered into one list. */
export function collate(examples: readonly Example[]): { rows: SeqRow[]; images: Float32Array[] } {
  const images: Float32Array[] = [];
  const rows = examples.map((e) => {
    const base = images.length;
    images.push(...e.images);
    const choices = e.row.images.map((ch): ImageChoice =>
      ch.kind === 'image' ? { kind: 'image', index: base + ch.index } : ch,
    );
    return { ...e.row, images: choices };
  });
  return { rows, images };
}
