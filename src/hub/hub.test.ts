// The hub path offline, in Node (onnxruntime-node on the CPU), on the tiny
// idefics3-format model the repo makes: it loads through transformers.js with
// the hub switched off, samples reproducibly, and its MI equals a computation
// by hand from the returned logits; no request leaves; each bad input gets its message.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RawImage } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyIdefics3Files, TINY } from '../../scripts/hub/tinyIdefics3';
import { answer, descLogProbs, greedy, presample, promptInputs, scoreOnCpu, teacherForced, topK } from './describe';
import { configureHubEnv, loadHubModel, requestLog, resolveSource, setBaseFetch, type LoadedHubModel } from './load';
import { runHub, toRawImage } from './run';
import { DEFAULT_HUB_SETTINGS } from './settings';

let root: string;
let hm: LoadedHubModel;
const fetchCalls: string[] = [];

function writeModel(dir: string, edit?: (files: Map<string, Uint8Array | string>) => void) {
  const files = tinyIdefics3Files();
  edit?.(files);
  for (const [p, c] of files) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
}

/** A deterministic 40 x 48 RGB test image. */
function image(seed = 1): RawImage {
  const w = 48;
  const h = 40;
  return new RawImage(
    Uint8ClampedArray.from({ length: w * h * 3 }, (_, i) => (i * 37 + seed * 101) % 256),
    w,
    h,
    3,
  );
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hub-'));
  writeModel(join(root, 'tiny'));
  // Any request would be recorded here and fail: the tests run as if offline.
  setBaseFetch(async (input) => {
    fetchCalls.push(String(input));
    throw new TypeError('fetch failed');
  });
  configureHubEnv();
  hm = await loadHubModel(`${root}/tiny/`, { device: 'cpu' });
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('hub model, offline', () => {
  it('loads the tiny idefics3 model from a folder through transformers.js with no request', () => {
    expect(hm.dtype).toBe('fp32');
    expect(hm.vocabSize).toBe(263);
    expect(hm.eosIds).toContain(262);
    expect(fetchCalls).toEqual([]);
    expect(requestLog).toEqual([]);
  });

  it('expands the image into image_seq_len tokens and removes it for the second pass', async () => {
    const p = await promptInputs(hm, image(), 'Describe the image.');
    expect(p.ids.filter((t) => t === hm.imageTokenId)).toHaveLength(TINY.imageSeqLen);
    expect(p.image.pixel_values.dims).toEqual([1, 1, 3, TINY.imageSize, TINY.imageSize]);
    expect(p.removedIds['null-image']).toEqual(p.ids);
    expect(p.removedIds['text-only']).not.toContain(hm.imageTokenId);
    expect(p.removedIds['text-only'].length).toBeLessThan(p.ids.length);
  });

  it('samples reproducibly by seed, and differently for another seed', async () => {
    const p = await promptInputs(hm, image(), 'Describe the image.');
    const s = { N: 4, seed: 7, temperature: 1, maxTokens: 12 };
    const a = await presample(hm, p, s);
    const b = await presample(hm, p, s);
    const c = await presample(hm, p, { ...s, seed: 8 });
    expect(a).toEqual(b);
    expect(a.map((x) => x.ids)).not.toEqual(c.map((x) => x.ids));
    expect(a).toHaveLength(4);
    for (const x of a) expect(x.ids.length).toBeLessThanOrEqual(12);
    // Four samples of a near-uniform model: not all the same.
    expect(new Set(a.map((x) => x.ids.join(','))).size).toBeGreaterThan(1);
  });

  it('scores MI equal to a hand computation from the returned logits (text-only and null image)', async () => {
    const p = await promptInputs(hm, image(), 'Describe the image.');
    const descs = (await presample(hm, p, { N: 5, seed: 3, temperature: 1, maxTokens: 10 })).map((x) => x.ids);
    for (const removal of ['text-only', 'null-image'] as const) {
      const scores = await scoreOnCpu(hm, p, descs, removal);
      const real = await teacherForced(hm, p.ids, p.image, descs);
      const removed = await teacherForced(hm, p.removedIds[removal], null, descs);
      // By hand, in doubles: log p = logit - log sum exp, at the position before each token.
      const lp = (pass: typeof real, prefixLen: number, b: number, j: number, tok: number) => {
        const row = Array.from(
          pass.logits.subarray((b * pass.L + prefixLen + j - 1) * pass.V, (b * pass.L + prefixLen + j) * pass.V),
        );
        return row[tok] - Math.log(row.reduce((s, x) => s + Math.exp(x), 0));
      };
      descs.forEach((d, b) => {
        const hand = d.map(
          (tok, j) => lp(real, p.ids.length, b, j, tok) - lp(removed, p.removedIds[removal].length, b, j, tok),
        );
        const sum = hand.reduce((s, x) => s + x, 0);
        expect(scores[b].pmi).toHaveLength(d.length);
        scores[b].pmi.forEach((x, j) => expect(x).toBeCloseTo(hand[j], 4));
        expect(scores[b].miSum).toBeCloseTo(sum, 3);
        expect(scores[b].miMean).toBeCloseTo(sum / d.length, 4);
      });
      // The image matters to this model: some token's log-probability moves by more than rounding.
      expect(Math.max(...scores.flatMap((s) => s.pmi.map(Math.abs)))).toBeGreaterThan(1e-3);
    }
  });

  it('the scores of a description do not depend on the other, longer rows of its batch', async () => {
    const p = await promptInputs(hm, image(), 'Describe the image.');
    const short = [5, 6, 7];
    const long = [10, 11, 12, 13, 14, 15, 16, 17];
    const alone = descLogProbs(await teacherForced(hm, p.ids, p.image, [short]), [short]);
    const batched = descLogProbs(await teacherForced(hm, p.ids, p.image, [long, short]), [long, short]);
    alone[0].forEach((x, j) => expect(batched[1][j]).toBeCloseTo(x, 4));
  });

  it('keeps the k highest, ties to the lower index, and answers by continuing the sampled ids', async () => {
    expect([...topK([0.5, 2, 2, -1, 3], 3)].sort()).toEqual([1, 2, 4]);
    const p = await promptInputs(hm, image(), 'Describe the image.');
    const [d] = await presample(hm, p, { N: 1, seed: 1, temperature: 1, maxTokens: 6 });
    const a1 = await answer(hm, p, d.ids, 'How many objects?', 5);
    const a2 = await answer(hm, p, d.ids, 'How many objects?', 5);
    expect(a1).toBe(a2);
    // by hand: the prompt, the sampled ids, the end of the turn and the question as the next user turn, then the
    // top logit at each position in turn (a full forward each time, not generate's cache) until end of sequence
    const tok = hm.processor.tokenizer!;
    const tail = Array.from(
      tok('<end_of_utterance>\nUser: How many objects?<end_of_utterance>\nAssistant:', { add_special_tokens: false })
        .input_ids.data as ArrayLike<number | bigint>,
      Number,
    );
    const prefix = [...p.ids, ...d.ids, ...tail];
    const ids: number[] = [];
    while (ids.length < 5) {
      const f = await teacherForced(hm, prefix, p.image, [ids]);
      const last = f.logits.subarray((f.L - 1) * f.V, f.L * f.V);
      const top = last.indexOf(Math.max(...last));
      if (hm.eosIds.includes(top)) break;
      ids.push(top);
    }
    expect(ids.length).toBeGreaterThan(0);
    expect(a1).toBe(tok.decode(ids, { skip_special_tokens: true }));
    expect(await greedy(hm, p, 6)).toEqual(await greedy(hm, p, 6));
  });
});

describe('hub model, bad input', () => {
  it('a folder of another architecture is refused by name', async () => {
    writeModel(join(root, 'gpt2'), (f) => {
      const c = JSON.parse(f.get('config.json') as string);
      f.set('config.json', JSON.stringify({ ...c, model_type: 'gpt2' }));
    });
    await expect(loadHubModel(`${root}/gpt2/`, { device: 'cpu' })).rejects.toThrow(
      /unsupported architecture: model_type "gpt2"/,
    );
  });

  it('a folder missing an ONNX file names the file', async () => {
    const dir = join(root, 'partial');
    writeModel(dir);
    rmSync(join(dir, 'onnx/decoder_model_merged.onnx'));
    await expect(loadHubModel(`${dir}/`, { device: 'cpu' })).rejects.toThrow(
      /missing a file: onnx\/decoder_model_merged\.onnx/,
    );
  });

  it('an unreachable hub says offline or unknown id, and nothing else is broken', async () => {
    fetchCalls.length = 0;
    await expect(loadHubModel('HuggingFaceTB/SmolVLM-256M-Instruct', { device: 'cpu' })).rejects.toThrow(
      /offline, or the model id does not exist: HuggingFaceTB\/SmolVLM-256M-Instruct/,
    );
    expect(fetchCalls.length).toBeGreaterThan(0);
    expect(fetchCalls.every((u) => u.startsWith('https://huggingface.co/'))).toBe(true);
    // The loaded model still works.
    const p = await promptInputs(hm, image(), 'Describe the image.');
    expect((await presample(hm, p, { N: 1, seed: 1, temperature: 1, maxTokens: 3 }))[0].ids.length).toBeGreaterThan(0);
  });

  it('a server that answers every file with its index page gets "missing a file", not a JSON parse error', async () => {
    setBaseFetch(
      async () =>
        new Response('<!doctype html><html></html>', { status: 200, headers: { 'content-type': 'text/html' } }),
    );
    try {
      await expect(loadHubModel('http://127.0.0.1:9/models/none/', { device: 'cpu' })).rejects.toThrow(
        /missing a file: none\/config\.json|missing a file: config\.json/,
      );
    } finally {
      setBaseFetch(async (input) => {
        fetchCalls.push(String(input));
        throw new TypeError('fetch failed');
      });
    }
  });

  it('hub ids and folder URLs are told apart', () => {
    expect(resolveSource('HuggingFaceTB/SmolVLM-256M-Instruct')).toEqual({
      kind: 'hub',
      id: 'HuggingFaceTB/SmolVLM-256M-Instruct',
    });
    expect(resolveSource('./models/tiny-idefics3/', 'http://h/app/')).toMatchObject({
      kind: 'folder',
      root: 'http://h/app/models/',
      name: 'tiny-idefics3',
    });
    expect(() => resolveSource('notafolder', 'http://h/app/')).toThrow(/not a hub model id/);
    expect(resolveSource('public/models/tiny/')).toMatchObject({
      kind: 'folder',
      root: 'public/models/',
      name: 'tiny',
    });
  });

  it('the served tiny model equals what the script writes', () => {
    for (const [p, c] of tinyIdefics3Files()) {
      const onDisk = readFileSync(join('public/models/tiny-idefics3', p));
      expect(Buffer.compare(onDisk, Buffer.from(c)), p).toBe(0);
    }
  });
});

describe('one Real VLM run on the CPU', () => {
  it('ranks by the chosen aggregate, keeps k, answers the kept ones, and exports what it used', async () => {
    const w = 20;
    const h = 16;
    const rgba = Uint8ClampedArray.from({ length: w * h * 4 }, (_, i) => (i * 13) % 256);
    const s = {
      ...DEFAULT_HUB_SETTINGS,
      model: 'tiny',
      N: 5,
      k: 2,
      seed: 4,
      maxTokens: 8,
      question: 'What colour?',
      answerTokens: 4,
    };
    const r = await runHub(hm, 'tiny', { width: w, height: h, rgba }, s, {});
    expect(r.miOn).toBe('cpu');
    expect(r.descriptions).toHaveLength(5);
    expect(r.descriptions.filter((d) => d.kept)).toHaveLength(2);
    const byRank = [...r.descriptions].sort((a, b) => a.rank - b.rank);
    for (let i = 1; i < byRank.length; i++) expect(byRank[i - 1].miSum).toBeGreaterThanOrEqual(byRank[i].miSum);
    expect(byRank.slice(0, 2).every((d) => d.kept && d.answer !== null)).toBe(true);
    expect(r.descriptions.filter((d) => !d.kept).every((d) => d.answer === null)).toBe(true);
    for (const d of r.descriptions) {
      expect(d.tokens).toHaveLength(d.ids.length);
      expect(d.pmi).toHaveLength(d.ids.length);
    }
    expect(r.image.sha256).toMatch(/^[0-9a-f]{64}$/);
    const again = await runHub(hm, 'tiny', { width: w, height: h, rgba }, s, {});
    expect(again.descriptions).toEqual(r.descriptions);
    const mean = await runHub(hm, 'tiny', { width: w, height: h, rgba }, { ...s, miAgg: 'mean', question: '' }, {});
    const byMean = [...mean.descriptions].sort((a, b) => a.rank - b.rank);
    for (let i = 1; i < byMean.length; i++) expect(byMean[i - 1].miMean).toBeGreaterThanOrEqual(byMean[i].miMean);
  });

  it('refuses an empty, oversized or inconsistent image with its reason', () => {
    expect(() => toRawImage({ width: 0, height: 5, rgba: new Uint8ClampedArray(0) })).toThrow(/no pixels/);
    expect(() => toRawImage({ width: 5000, height: 5000, rgba: new Uint8ClampedArray(4) })).toThrow(
      /too large: 5000 x 5000/,
    );
    expect(() => toRawImage({ width: 2, height: 2, rgba: new Uint8ClampedArray(3) })).toThrow(/3 bytes for 2 x 2/);
  });
});
