// What one Real VLM run produced, as the view shows it and as the JSON export
// writes it (image hash, prompt, model id, seed, descriptions, scores).

import type { HubSettings } from './settings';

export interface HubDescription {
  /** Index in sampling order (0-based). */
  index: number;
  /** 1 = highest MI under the settings' aggregate. */
  rank: number;
  kept: boolean;
  text: string;
  ids: number[];
  /** Each token as text, aligned with `pmi`. */
  tokens: string[];
  /** Pointwise MI per token (nats): log p(token | image) - log p(token | image removed). */
  pmi: number[];
  miSum: number;
  miMean: number;
  /** Ended with an end-of-turn token within the budget. */
  complete: boolean;
  /** The answer to the question after this description (kept ones, when a question was asked). */
  answer: string | null;
}

export interface HubResult {
  kind: 'mirl-hub-result';
  version: 1;
  model: string;
  dtype: 'fp32' | 'fp16';
  device: 'webgpu' | 'wasm' | 'cpu';
  /** Where the MI reduction ran: mi_score.wgsl on the shared device, or the CPU reference. */
  miOn: 'gpu' | 'cpu';
  settings: HubSettings;
  image: { sha256: string; width: number; height: number };
  descriptions: HubDescription[];
  timings: { sampleMs: number; scoreMs: number; answerMs: number };
  /** The GPU scores against the CPU reference on the same logits' inputs (null when not checked). */
  check: { maxAbsDiffSum: number; maxAbsDiffToken: number } | null;
}

/** SHA-256 of the image's size and RGB bytes, hex. */
export async function imageSha256(width: number, height: number, rgb: Uint8Array | Uint8ClampedArray): Promise<string> {
  const head = new Uint8Array(new Uint32Array([width, height]).buffer);
  const all = new Uint8Array(head.length + rgb.length);
  all.set(head);
  all.set(rgb, head.length);
  const digest = await crypto.subtle.digest('SHA-256', all);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function resultFileName(r: HubResult): string {
  const model = r.model.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '');
  return `mirl-hub-${model}-seed${r.settings.seed}-${r.image.sha256.slice(0, 8)}.json`;
}
