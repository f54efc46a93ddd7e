// A step's rollout records as compact bytes, for the runs kept in IndexedDB, and back, losslessly.
// Most of a record's size is its per-token numbers (advantage, log-prob, entropy, dependency), which JSON writes
// with 17 digits. The trainer computes them in float32, so each array is stored as float32 where that loses nothing
// (float64 otherwise: advantages computed on the host), byte-plane shuffled so that gzip finds the repeated
// exponents, beside the rest of the record as JSON. The whole is gzipped (CompressionStream). A 60-step default run
// falls from 2-6 MB of JSON to well under 1 MB (src/ui/share/recordCodec.test.ts measures it).

import type { PromptRecord, TrajectoryRecord } from '../rl/types';

const MAGIC = 0x3143524d; // "MRC1", little-endian
const TOKEN_FIELDS = ['tokAdv', 'tokLogp', 'tokEntropy', 'tokDep'] as const;
type TokenField = (typeof TOKEN_FIELDS)[number];

/** A token array as the JSON part holds it, in its place (so the keys keep their order): its length and width. */
type Placeholder = [number, 4 | 8];
type Stripped = Omit<TrajectoryRecord, TokenField> & Record<TokenField, Placeholder>;
const isTokenField = (k: string): k is TokenField => (TOKEN_FIELDS as readonly string[]).includes(k);

const exactF32 = (xs: readonly number[]): boolean => xs.every((x) => Object.is(Math.fround(x), x));

/** Byte planes: all first bytes, then all second bytes, ... (what blosc's shuffle does). */
function shuffle(src: Uint8Array, width: number): Uint8Array {
  const n = src.length / width;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < n; i++) for (let b = 0; b < width; b++) out[b * n + i] = src[i * width + b];
  return out;
}
function unshuffle(src: Uint8Array, width: number): Uint8Array {
  const n = src.length / width;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < n; i++) for (let b = 0; b < width; b++) out[i * width + b] = src[b * n + i];
  return out;
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/** The records of one step as gzipped bytes. */
export async function encodeRecords(records: readonly PromptRecord[]): Promise<Uint8Array> {
  const f32: number[] = [];
  const f64: number[] = [];
  const stripped = records.map((p) => ({
    ...p,
    trajectories: p.trajectories.map(
      (t) =>
        Object.fromEntries(
          Object.entries(t).map(([k, v]) => {
            if (!isTokenField(k)) return [k, v];
            const xs = v as number[];
            const w = exactF32(xs) ? 4 : 8;
            for (const x of xs) (w === 4 ? f32 : f64).push(x);
            return [k, [xs.length, w] satisfies Placeholder];
          }),
        ) as Stripped,
    ),
  }));
  const json = new TextEncoder().encode(JSON.stringify(stripped));
  const a = shuffle(new Uint8Array(Float32Array.from(f32).buffer), 4);
  const b = shuffle(new Uint8Array(Float64Array.from(f64).buffer), 8);
  const head = new DataView(new ArrayBuffer(16));
  head.setUint32(0, MAGIC, true);
  head.setUint32(4, json.length, true);
  head.setUint32(8, f32.length, true);
  head.setUint32(12, f64.length, true);
  const all = new Uint8Array(16 + json.length + a.length + b.length);
  all.set(new Uint8Array(head.buffer), 0);
  all.set(json, 16);
  all.set(a, 16 + json.length);
  all.set(b, 16 + json.length + a.length);
  return pipe(all, new CompressionStream('gzip'));
}

/** The records `encodeRecords` wrote, or an Error saying what is wrong with the bytes (never anything else). */
export async function decodeRecords(bytes: Uint8Array): Promise<PromptRecord[]> {
  let all: Uint8Array;
  try {
    all = await pipe(bytes, new DecompressionStream('gzip'));
  } catch (e) {
    throw new Error(`stored rollouts are damaged (not gzip: ${(e as Error).message})`, { cause: e });
  }
  if (all.length < 16) throw new Error('stored rollouts are damaged (too short)');
  const head = new DataView(all.buffer, all.byteOffset, 16);
  if (head.getUint32(0, true) !== MAGIC) throw new Error('stored rollouts are damaged (not this format)');
  const [nJson, n32, n64] = [head.getUint32(4, true), head.getUint32(8, true), head.getUint32(12, true)];
  if (16 + nJson + 4 * n32 + 8 * n64 !== all.length) throw new Error('stored rollouts are damaged (wrong length)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(all.subarray(16, 16 + nJson)));
  } catch (e) {
    throw new Error(`stored rollouts are damaged (${(e as Error).message})`, { cause: e });
  }
  const f32 = new Float32Array(unshuffle(all.slice(16 + nJson, 16 + nJson + 4 * n32), 4).buffer);
  const f64 = new Float64Array(unshuffle(all.slice(16 + nJson + 4 * n32), 8).buffer);
  let i32 = 0;
  let i64 = 0;
  const take = (n: number, w: number): number[] => {
    if (!Number.isInteger(n) || n < 0) throw new Error('stored rollouts are damaged (a bad token count)');
    const from = w === 4 ? f32 : f64;
    const at = w === 4 ? i32 : i64;
    if (at + n > from.length) throw new Error('stored rollouts are damaged (token counts past the data)');
    if (w === 4) i32 += n;
    else i64 += n;
    return Array.from(from.subarray(at, at + n));
  };
  if (!Array.isArray(parsed)) throw new Error('stored rollouts are damaged (not a list)');
  const out = (parsed as (Omit<PromptRecord, 'trajectories'> & { trajectories: Stripped[] })[]).map(
    (p): PromptRecord => {
      if (!p || !Array.isArray(p.trajectories)) throw new Error('stored rollouts are damaged (a record without rows)');
      return {
        ...p,
        trajectories: p.trajectories.map((t) => {
          if (typeof t !== 'object' || t === null)
            throw new Error('stored rollouts are damaged (a row is not an object)');
          const row = Object.fromEntries(
            Object.entries(t).map(([k, v]) => {
              if (!isTokenField(k)) return [k, v];
              const [n, w] = Array.isArray(v) ? (v as number[]) : [];
              if (w !== 4 && w !== 8) throw new Error('stored rollouts are damaged (a bad token width)');
              return [k, take(n, w)];
            }),
          );
          if (!TOKEN_FIELDS.every((k) => k in row))
            throw new Error('stored rollouts are damaged (a row without its tokens)');
          return row as TrajectoryRecord;
        }),
      };
    },
  );
  if (i32 !== f32.length || i64 !== f64.length) throw new Error('stored rollouts are damaged (tokens left over)');
  return out;
}
