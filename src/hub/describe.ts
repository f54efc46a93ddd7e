// MIRL's pre-sampling on a hub VLM: N seeded descriptions of one image, two
// teacher-forced passes per description (the real image, and the image
// removed), the pointwise MI of every description token, the ranking and the
// top k, and the optional continuation of the kept ones into an answer (the
// fork: the sampled ids themselves, then the question).

import { RawImage, Tensor, random } from '@huggingface/transformers';
import type { LoadedHubModel } from './load';
import type { HubSettings, Removal } from './settings';

type Feeds = Record<string, Tensor>;

export interface PromptInputs {
  /** The prompt's ids with the image tokens expanded (what the real pass and the sampler see). */
  ids: number[];
  /** The processor's image tensors (pixel_values, and pixel_attention_mask where it gives one). */
  image: Feeds;
  /** The prompt's ids with the image removed, per removal setting. */
  removedIds: Record<Removal, number[]>;
}

export interface Sample {
  ids: number[];
  /** Whether it ended with an end-of-turn token within the token budget. */
  complete: boolean;
}

const toNumbers = (t: Tensor): number[] => Array.from(t.data as ArrayLike<number | bigint>, Number);

/** A batch of rows as int64 tensors, right-padded; the mask marks real tokens. */
function idsBatch(rows: number[][], pad: number): { input_ids: Tensor; attention_mask: Tensor } {
  const L = Math.max(...rows.map((r) => r.length));
  const ids = new BigInt64Array(rows.length * L).fill(BigInt(pad));
  const mask = new BigInt64Array(rows.length * L);
  rows.forEach((r, b) =>
    r.forEach((t, j) => {
      ids[b * L + j] = BigInt(t);
      mask[b * L + j] = 1n;
    }),
  );
  return {
    input_ids: new Tensor('int64', ids, [rows.length, L]),
    attention_mask: new Tensor('int64', mask, [rows.length, L]),
  };
}

/** t repeated n times along its first dimension (the rows of a batch share one image). */
function repeatRows(t: Tensor, n: number): Tensor {
  const src = t.data as unknown as {
    length: number;
    constructor: new (n: number) => { set(a: ArrayLike<unknown>, o: number): void };
  };
  const out = new src.constructor(src.length * n);
  for (let i = 0; i < n; i++) out.set(t.data as ArrayLike<unknown>, i * src.length);
  return new Tensor(t.type, out as never, [t.dims[0] * n, ...t.dims.slice(1)]);
}

const repeatFeeds = (f: Feeds, n: number): Feeds =>
  Object.fromEntries(Object.entries(f).map(([k, t]) => [k, repeatRows(t, n)]));

function encode(hm: LoadedHubModel, text: string): number[] {
  const tok = hm.processor.tokenizer;
  if (!tok) throw new Error('the model has no tokenizer');
  return toNumbers(tok(text, { add_special_tokens: false }).input_ids as Tensor);
}

export async function promptInputs(hm: LoadedHubModel, image: RawImage, prompt: string): Promise<PromptInputs> {
  const chat = (withImage: boolean) =>
    hm.processor.apply_chat_template(
      [{ role: 'user', content: [...(withImage ? [{ type: 'image' }] : []), { type: 'text', text: prompt }] }],
      { add_generation_prompt: true },
    ) as string;
  const out = (await hm.processor(chat(true), [image])) as Feeds;
  const ids = toNumbers(out.input_ids);
  const image_: Feeds = { pixel_values: out.pixel_values };
  if (out.pixel_attention_mask) image_.pixel_attention_mask = out.pixel_attention_mask;
  // Text-only: the same turn without the image. Null image: the image tokens kept, no pixels
  // (their own embeddings stand in), so every position stays where it was.
  return { ids, image: image_, removedIds: { 'text-only': encode(hm, chat(false)), 'null-image': ids } };
}

/** Cuts generated ids at the first end-of-turn token (not included). */
function cutAtEos(ids: number[], eos: readonly number[]): Sample {
  const i = ids.findIndex((t) => eos.includes(t));
  return i < 0 ? { ids, complete: false } : { ids: ids.slice(0, i), complete: true };
}

/** N descriptions sampled at the settings' temperature from the full distribution (no top-k), reproducible by seed; temperature 0 is greedy. */
export async function presample(
  hm: LoadedHubModel,
  p: PromptInputs,
  s: Pick<HubSettings, 'N' | 'seed' | 'temperature' | 'maxTokens'>,
): Promise<Sample[]> {
  random.seed(s.seed);
  const batch = idsBatch(
    Array.from({ length: s.N }, () => p.ids),
    hm.padId,
  );
  const out = (await hm.model.generate({
    ...batch,
    ...repeatFeeds(p.image, s.N),
    do_sample: s.temperature > 0,
    temperature: s.temperature > 0 ? s.temperature : 1,
    top_k: 0,
    max_new_tokens: s.maxTokens,
    eos_token_id: hm.eosIds,
    pad_token_id: hm.padId,
  } as never)) as Tensor;
  const L = out.dims[1];
  const all = toNumbers(out);
  return Array.from({ length: s.N }, (_, b) => cutAtEos(all.slice(b * L + p.ids.length, (b + 1) * L), hm.eosIds));
}

/** Greedy tokens after the prompt (the check that Node and the browser agree). */
export async function greedy(hm: LoadedHubModel, p: PromptInputs, maxTokens: number): Promise<number[]> {
  return greedyAfter(hm, p.ids, p.image, maxTokens);
}

/** Greedy tokens after `ids`, with the prompt's image inputs. */
async function greedyAfter(
  hm: LoadedHubModel,
  ids: number[],
  image: PromptInputs['image'],
  maxTokens: number,
): Promise<number[]> {
  const out = (await hm.model.generate({
    ...idsBatch([ids], hm.padId),
    ...image,
    do_sample: false,
    max_new_tokens: maxTokens,
    eos_token_id: hm.eosIds,
    pad_token_id: hm.padId,
  } as never)) as Tensor;
  return toNumbers(out).slice(ids.length);
}

export interface PassLogits {
  /** [B, L, V] row-major, float32. */
  logits: Float32Array;
  B: number;
  L: number;
  V: number;
  /** Per row, the position of the first description token (the logits one before it predict it). */
  starts: number[];
}

/** Teacher-forced logits of prefix + description for every description, with or without the image tensors. */
export async function teacherForced(
  hm: LoadedHubModel,
  prefix: number[],
  image: Feeds | null,
  descs: number[][],
): Promise<PassLogits> {
  const rows = descs.map((d) => [...prefix, ...d]);
  const batch = idsBatch(rows, hm.padId);
  const { logits } = (await hm.model({ ...batch, ...(image ? repeatFeeds(image, rows.length) : {}) } as never)) as {
    logits: Tensor;
  };
  const f32 = logits.type === 'float32' ? logits : logits.to('float32');
  const [B, L, V] = f32.dims;
  return { logits: f32.data as Float32Array, B, L, V, starts: descs.map(() => prefix.length) };
}

/** log softmax(logits[b, start + j - 1])[desc[b][j]] for every description token: the CPU reference of the gather in mi_score.wgsl. */
export function descLogProbs(p: PassLogits, descs: number[][]): number[][] {
  return descs.map((d, b) =>
    d.map((tok, j) => {
      const o = (b * p.L + p.starts[b] + j - 1) * p.V;
      let m = -Infinity;
      for (let v = 0; v < p.V; v++) m = Math.max(m, p.logits[o + v]);
      let s = 0;
      for (let v = 0; v < p.V; v++) s += Math.exp(p.logits[o + v] - m);
      return p.logits[o + tok] - m - Math.log(s);
    }),
  );
}

export interface DescriptionMI {
  lpReal: number[];
  lpRemoved: number[];
  /** Pointwise MI per token: log p(token | image) - log p(token | image removed). */
  pmi: number[];
  miSum: number;
  miMean: number;
}

function miFromLogProbs(lpReal: number[][], lpRemoved: number[][]): DescriptionMI[] {
  return lpReal.map((r, b) => {
    const pmi = r.map((x, j) => x - lpRemoved[b][j]);
    const miSum = pmi.reduce((a, x) => a + x, 0);
    return { lpReal: r, lpRemoved: lpRemoved[b], pmi, miSum, miMean: pmi.length ? miSum / pmi.length : 0 };
  });
}

/** Both passes for every description, in chunks (a real model's logits are large: rows x length x vocabulary). */
async function scorePasses(
  hm: LoadedHubModel,
  p: PromptInputs,
  descs: number[][],
  removal: Removal,
  chunk = 4,
): Promise<{ real: PassLogits; removed: PassLogits }[]> {
  const out: { real: PassLogits; removed: PassLogits }[] = [];
  for (let i = 0; i < descs.length; i += chunk) {
    const part = descs.slice(i, i + chunk);
    const real = await teacherForced(hm, p.ids, p.image, part);
    const removed = await teacherForced(hm, p.removedIds[removal], null, part);
    out.push({ real, removed });
  }
  return out;
}

/** The MI of every description on the CPU (the reference the GPU kernel is checked against). */
export async function scoreOnCpu(
  hm: LoadedHubModel,
  p: PromptInputs,
  descs: number[][],
  removal: Removal,
): Promise<DescriptionMI[]> {
  const chunks = await scorePasses(hm, p, descs, removal);
  let at = 0;
  return chunks.flatMap(({ real, removed }) => {
    const part = descs.slice(at, at + real.B);
    at += real.B;
    return miFromLogProbs(descLogProbs(real, part), descLogProbs(removed, part));
  });
}

/** Indices from the highest score down, ties to the lower index (as MIRL's topKMask breaks them). */
export function rankOrder(scores: readonly number[]): number[] {
  return scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
}

/** Indices of the k highest scores, ties to the lower index. */
export function topK(scores: readonly number[], k: number): Set<number> {
  return new Set(rankOrder(scores).slice(0, k));
}

/** The fork: the prompt, the sampled description ids and its end of turn, then the question as the next user turn; greedy answer. */
export async function answer(
  hm: LoadedHubModel,
  p: PromptInputs,
  desc: number[],
  question: string,
  maxTokens: number,
): Promise<string> {
  const tail = encode(hm, `<end_of_utterance>\nUser: ${question}<end_of_utterance>\nAssistant:`);
  const ids = [...p.ids, ...desc, ...tail];
  return decode(hm, cutAtEos(await greedyAfter(hm, ids, p.image, maxTokens), hm.eosIds).ids);
}

export function decode(hm: LoadedHubModel, ids: number[]): string {
  return hm.processor.tokenizer?.decode(ids, { skip_special_tokens: true }) ?? '';
}

/** Each token as text, for colouring by its pointwise MI. */
export function tokenTexts(hm: LoadedHubModel, ids: number[]): string[] {
  return ids.map((t) => decode(hm, [t]));
}
