// Batched sampling with a KV cache: prefill the prompts (or given prefixes, to
// continue forks) in one forward pass, then one token per row per step until
// every row has emitted the stop token or maxNew is reached. Uniforms come
// from the counter RNG at (seed, stream, step, rowIds[b], position), so a row
// continued from its own prefix draws exactly what it would have drawn.

import type { Tensor } from '../backend/backend';
import { maxLen, uploadBatch, type SeqRow } from './inputs';
import type { KvCache, TinyVLM } from './tinyvlm';

export interface GenerateOptions {
  maxNew: number;
  stopToken: number;
  temperature: number;
  topP: number;
  seed: number;
  stream: number;
  step: number;
  /** Read back every this many tokens to stop early when all rows are done. */
  checkEvery?: number;
  /** Also return each drawn token's log-probability at temperature 1 (one more readback). */
  logprobs?: boolean;
  /** Keep the KV cache for continueCached() (the caller frees it). */
  keepCache?: boolean;
}

export interface Generated {
  /** Per row: the generated ids, up to and including the stop token when it came. */
  tokens: number[][];
  stopped: boolean[];
  /** Decoding steps run (the batch's longest row). */
  steps: number;
  /** With `logprobs`: per row, log p of each generated token under the model (before temperature and top-p). */
  logp?: number[][];
  /** Rows the prefill ran over: the distinct prompts (0 for a continuation). */
  prefillRows: number;
  /** With `keepCache`. */
  cache?: CachedRows;
}

export async function generate(
  model: TinyVLM,
  rows: readonly SeqRow[],
  images: readonly Float32Array[],
  rowIds: readonly number[],
  o: GenerateOptions,
): Promise<Generated> {
  const be = model.be;
  const c = model.config;
  const B = rows.length;
  const V = c.vocabSize;
  if (rowIds.length !== B) throw new Error(`generate: ${rowIds.length} row ids for ${B} rows`);
  if (B === 0) return { tokens: [], stopped: [], steps: 0, prefillRows: 0 };
  const Tp = maxLen(rows);
  const maxNew = Math.min(o.maxNew, c.maxSeq - Tp);
  if (maxNew <= 0) throw new Error(`generate: prompts of ${Tp} tokens leave no room under ${c.maxSeq}`);
  const lens = rows.map((r) => r.ids.length);

  // A prompt sampled N (or G) times is prefilled once: a row's prefill does not depend on
  // the other rows, so its keys, values and last logits are copied to its repeats.
  const { unique, of } = uniqueRows(rows);
  const batch = uploadBatch(be, unique, images, Tp, c);
  const logitsAll = model.forward(batch.enc, batch.dec);
  const cache = model.allocCache(B, Tp + maxNew);
  if (unique.length === B) model.fillCache(cache);
  else {
    const once = model.allocCache(unique.length, Tp + maxNew);
    model.fillCache(once);
    model.copyCacheRows(cache, once, of, Tp);
    model.freeCache(once);
  }
  const lastIdx = be.fromArray(
    [B],
    Uint32Array.from(lens, (l, b) => of[b] * Tp + l - 1),
  );
  const first = be.zeros([B, V]);
  be.embedding({ out: first, ids: lastIdx, table: logitsAll, N: B, C: V }); // gather each row's last-position logits
  batch.free();
  be.free(lastIdx);
  const g = await decodeLoop(model, cache, first, lens, rowIds, maxNew, o);
  be.free(first);
  if (o.keepCache) return { ...g, prefillRows: unique.length, cache: { kv: cache, lens } };
  model.freeCache(cache);
  return { ...g, prefillRows: unique.length };
}

/**
 * Continues rows of an earlier generate()'s kept cache: row j is cache row pick[j], whose
 * tokens before position start[j] are in the cache; feed[j] (the same count for every row)
 * is fed at start[j], start[j] + 1, ..., then tokens are sampled as generate() would sample
 * them after a prompt of length start[j] + feed[j].length (same RNG positions), without
 * prefilling that prompt again. The logits differ from a prefill's only by rounding.
 */
export async function continueCached(
  model: TinyVLM,
  from: CachedRows,
  pick: readonly number[],
  start: readonly number[],
  feed: readonly (readonly number[])[],
  rowIds: readonly number[],
  o: GenerateOptions,
): Promise<Generated> {
  const be = model.be;
  const c = model.config;
  const B = pick.length;
  if (start.length !== B || feed.length !== B || rowIds.length !== B)
    throw new Error('continueCached: pick, start, feed and rowIds differ in length');
  if (B === 0) return { tokens: [], stopped: [], steps: 0, prefillRows: 0 };
  const F = feed[0].length;
  if (F < 1 || feed.some((f) => f.length !== F))
    throw new Error('continueCached: every row feeds the same number (>= 1) of tokens');
  pick.forEach((p, j) => {
    if (p < 0 || p >= from.kv.B || start[j] < 1 || start[j] > from.kv.Tmax)
      throw new Error(`continueCached: row ${j} picks cache row ${p} at position ${start[j]}`);
  });
  const lens = start.map((s0) => s0 + F);
  const Tp = Math.max(...lens);
  const maxNew = Math.min(o.maxNew, c.maxSeq - Tp);
  if (maxNew <= 0) throw new Error(`continueCached: ${Tp} tokens leave no room under ${c.maxSeq}`);
  const cache = model.allocCache(B, Tp + maxNew);
  model.copyCacheRows(cache, from.kv, pick, Math.min(Math.max(...start), from.kv.Tmax));
  const ids = be.zeros([B], 'u32');
  const pos = be.zeros([B], 'u32');
  const len = be.zeros([B], 'u32');
  let logits: Tensor | null = null;
  for (let f = 0; f < F; f++) {
    be.write(
      ids,
      Uint32Array.from(feed, (t) => t[f]),
    );
    be.write(
      pos,
      Uint32Array.from(start, (s0) => s0 + f),
    );
    be.write(
      len,
      Uint32Array.from(start, (s0) => s0 + f + 1),
    );
    logits = model.decodeStep(cache, ids, pos, len);
  }
  const first = be.zeros([B, c.vocabSize]);
  be.copy(first, logits!, 0, 0, B * c.vocabSize);
  for (const t of [ids, pos, len]) be.free(t);
  const g = await decodeLoop(model, cache, first, lens, rowIds, maxNew, o);
  be.free(first);
  model.freeCache(cache);
  return { ...g, prefillRows: 0 };
}

/** A cache kept by generate({ keepCache: true }) and the prompt length of each of its rows; free with model.freeCache(kv). */
export interface CachedRows {
  kv: KvCache;
  lens: number[];
}

/** Samples from `first` [B, V] on: one token per row per step, each fed back through the cache. */
async function decodeLoop(
  model: TinyVLM,
  cache: KvCache,
  first: Tensor,
  lens: readonly number[],
  rowIds: readonly number[],
  maxNew: number,
  o: GenerateOptions,
): Promise<Omit<Generated, 'prefillRows'>> {
  const be = model.be;
  const B = lens.length;
  const V = model.config.vocabSize;
  const ids = be.zeros([B], 'u32');
  const gen = be.zeros([maxNew * B], 'u32');
  const stepLogp = o.logprobs ? be.zeros([B]) : null;
  const genLogp = o.logprobs ? be.zeros([maxNew * B]) : null;
  const rowT = be.fromArray([B], Uint32Array.from(rowIds));
  const pos = be.zeros([B], 'u32');
  const len = be.zeros([B], 'u32');
  const check = o.checkEvery ?? 8;
  let logits: Tensor = first;
  let steps = 0;
  model.onSampled?.(0, B);
  for (let s = 0; s < maxNew; s++) {
    be.write(
      pos,
      Uint32Array.from(lens, (l) => l + s),
    );
    be.sample({
      outIds: ids,
      logits,
      rowIds: rowT,
      positions: pos,
      B,
      V,
      p: { temperature: o.temperature, topP: o.topP, seed: o.seed, stream: o.stream, step: o.step },
      outLogp: stepLogp ?? undefined,
    });
    be.copy(gen, ids, s * B, 0, B);
    if (stepLogp && genLogp) be.copy(genLogp, stepLogp, s * B, 0, B);
    steps = s + 1;
    if (s === maxNew - 1) break;
    if ((s + 1) % check === 0) {
      const sofar = await be.readU32(gen);
      const done = stoppedRows(sofar, B, s + 1, o.stopToken);
      if (done === B) break;
      model.onSampled?.(done, B);
    }
    be.write(
      len,
      Uint32Array.from(lens, (l) => l + s + 1),
    );
    logits = model.decodeStep(cache, ids, pos, len);
  }
  const [out, lp] = await Promise.all([be.readU32(gen), genLogp ? be.read(genLogp) : null]);
  const tokens: number[][] = [];
  const stopped: boolean[] = [];
  for (let b = 0; b < B; b++) {
    const t: number[] = [];
    let done = false;
    for (let s = 0; s < steps; s++) {
      t.push(out[s * B + b]);
      if (out[s * B + b] === o.stopToken) {
        done = true;
        break;
      }
    }
    tokens.push(t);
    stopped.push(done);
  }
  const logp = lp ? tokens.map((t, b) => t.map((_, s) => lp[s * B + b])) : undefined;
  model.onSampled?.(B, B);
  for (const t of [ids, gen, rowT, pos, len, stepLogp, genLogp]) if (t) be.free(t);
  return { tokens, stopped, steps, ...(logp ? { logp } : {}) };
}

/** The distinct rows (same ids, prefix and images) and, per row, its index among them. */
function uniqueRows(rows: readonly SeqRow[]): { unique: SeqRow[]; of: number[] } {
  const index = new Map<string, number>();
  const unique: SeqRow[] = [];
  const of = rows.map((r) => {
    const key = JSON.stringify([r.ids, r.prefixLen, r.images]);
    let u = index.get(key);
    if (u === undefined) {
      u = unique.push(r) - 1;
      index.set(key, u);
    }
    return u;
  });
  return { unique, of };
}

/** How many rows have emitted the stop token in their first `steps` tokens. */
function stoppedRows(gen: Uint32Array, B: number, steps: number, stop: number): number {
  let n = 0;
  for (let b = 0; b < B; b++) {
    let hit = false;
    for (let s = 0; s < steps && !hit; s++) hit = gen[s * B + b] === stop;
    if (hit) n++;
  }
  return n;
}
