// The MI score's packed forward (score.ts: a repeated row forwarded once, the distinct rows in a few forwards by
// length) against the one padded forward it replaces, bit for bit, on the CPU reference and on wasm (#47): the
// trainer's rewards, forks and metrics are then those of the padded forward exactly.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Backend, MIScoreParams } from '../backend/backend';
import { TensorScope } from '../backend/backend';
import { nodeBackend } from '../../scripts/nodeBackend';
import { generateProblem } from '../tasks/problem';
import { tokenizer } from '../tasks/tokenizer';
import { decodeCheckpoint } from './checkpoint';
import { collate, problemExample } from './examples';
import { maxLen, nextTokenTargets, uploadBatch, type ImageChoice, type SeqRow } from './inputs';
import { Params } from './params';
import { lengthBuckets, scoreMI } from './score';
import { TinyVLM } from './tinyvlm';

/** The MI score as one padded forward over every row (real rows, then each pass's) computed it before packing. */
async function paddedScore(
  model: TinyVLM,
  rows: readonly SeqRow[],
  images: readonly Float32Array[],
  passes: readonly (readonly ImageChoice[][])[],
  agg: MIScoreParams,
  realLogp?: readonly (readonly number[])[],
): Promise<{ mi: Float32Array; dep: Float32Array }> {
  const be = model.be;
  const c = model.config;
  const alts = passes.flatMap((pass) => rows.map((r, b) => ({ ...r, images: pass[b] })));
  const all = realLogp ? alts : [...rows, ...alts];
  const T = maxLen(rows);
  const B = rows.length;
  const s = new TensorScope(be);
  let real;
  if (realLogp) {
    const r = new Float32Array(B * T);
    rows.forEach((row, b) => realLogp[b].forEach((x, j) => (r[b * T + row.prefixLen - 1 + j] = x)));
    real = s.keep(be.fromArray([B * T], r));
  }
  const { enc, dec } = s.defer(uploadBatch(be, all, images, T, c));
  const ids = s.keep(be.fromArray([B * T], nextTokenTargets(rows, T)));
  const descStart = s.keep(
    be.fromArray(
      [B],
      Uint32Array.from(rows, (r) => Math.max(0, r.prefixLen - 1)),
    ),
  );
  const descLen = s.keep(
    be.fromArray(
      [B],
      Uint32Array.from(rows, (r) => r.ids.length - r.prefixLen),
    ),
  );
  const mi = s.keep(be.zeros([B]));
  const dep = s.keep(be.zeros([B * T]));
  const logits = model.forward(enc, dec);
  be.miScore({ mi, dep, logits, ids, descStart, descLen, B, T, V: c.vocabSize, K: passes.length, p: agg, real });
  const out = { mi: await be.read(mi), dep: await be.read(dep) };
  s.free();
  return out;
}

const bytes = readFileSync('models/tinyvlm-v1/model.safetensors');
const ck = decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));

describe.each(['cpu', 'wasm'] as const)('the packed MI forward on %s', (kind) => {
  const be: Backend = nodeBackend(kind);
  const model = new TinyVLM(be, ck.config, new Params(ck.config, be, ck.tensors));
  // four prompts (one of two images), descriptions of many lengths, some sampled twice within a prompt
  const { rows: prompts, images } = collate([0, 1, 2, 3].map((i) => problemExample(generateProblem(11, i), ck.config)));
  const descs = [
    ['large red circle top left', 'large red circle top left', 'red', 'small blue square , large red circle'],
    ['green triangle bottom', 'two', 'green triangle bottom', 'green triangle bottom'],
    ['small', 'large blue circle top right , small green square bottom left , red', 'small', 'x'],
    ['red red', 'large red circle', 'red red', 'large red circle'],
  ];
  const rows: SeqRow[] = descs.flatMap((ds, p) =>
    ds.map((d) => ({ ...prompts[p], ids: [...prompts[p].ids, ...tokenizer.encode(d)] })),
  );
  const nullPass: ImageChoice[][] = rows.map((r) => r.images.map(() => ({ kind: 'null' as const })));
  // another prompt's images: a pass whose rows differ from the real ones by the image only
  const otherPass: ImageChoice[][] = rows.map((_, b) => prompts[(Math.floor(b / 4) + 1) % 4].images.slice(0, 1));
  const realLogp = rows.map((r, b) => Array.from({ length: r.ids.length - r.prefixLen }, (_, j) => -0.1 * (b + j)));

  it.each([
    ['the real and the null pass, per-token mean', [nullPass], { sum: false, clip: 0 }, undefined],
    ['the null pass after sampled log-probs, summed and clipped', [nullPass], { sum: true, clip: 2 }, realLogp],
    ['two alternative passes', [nullPass, otherPass], { sum: false, clip: 0 }, undefined],
  ] as const)('%s: mi and dep bit for bit, in one forward or in four', async (_, passes, agg, lp) => {
    const want = await paddedScore(model, rows, images, passes, agg, lp);
    for (const cost of [256, 0]) await check(passes, agg, lp, want, cost);
  });

  async function check(
    passes: readonly (readonly ImageChoice[][])[],
    agg: MIScoreParams,
    lp: readonly (readonly number[])[] | undefined,
    want: { mi: Float32Array; dep: Float32Array },
    cost: number,
  ) {
    const s = scoreMI(model, rows, images, passes, agg, lp, cost);
    const got = { mi: await be.read(s.mi), dep: await be.read(s.dep) };
    be.free(s.mi);
    be.free(s.dep);
    expect(Array.from(got.mi)).toEqual(Array.from(want.mi));
    expect(Array.from(got.dep)).toEqual(Array.from(want.dep));
    // and work was saved: fewer positions forwarded than the padded batch's
    expect(s.forwardTokens).toBeLessThan(rows.length * (1 + (lp ? passes.length - 1 : passes.length)) * s.T);
  }
});

describe('lengthBuckets', () => {
  it('cuts sorted lengths into the runs that pad least, a run costing 256 positions', () => {
    expect(lengthBuckets([5, 5, 5])).toEqual([3]);
    // 100 rows of 10 and 100 of 60: two runs save 5000 padded positions
    const ls = [...new Array<number>(100).fill(10), ...new Array<number>(100).fill(60)];
    expect(lengthBuckets(ls)).toEqual([100, 200]);
    // never more runs than asked
    expect(
      lengthBuckets(
        [1, 100, 200, 300, 400, 500].map((x) => x * 100),
        2,
      ),
    ).toHaveLength(2);
  });
});
