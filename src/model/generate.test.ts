// Sampling with the KV cache on the CPU reference: a prompt repeated in the batch is
// prefilled once, and each row draws exactly what it would draw alone.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu/cpuBackend';
import { generateProblem } from '../tasks/problem';
import { TINYVLM_CONFIG, type ModelConfig } from './config';
import { collate, problemExample } from './examples';
import { continueCached, generate } from './generate';
import { initParamData, Params } from './params';
import { TinyVLM } from './tinyvlm';

const SMALL: ModelConfig = {
  ...TINYVLM_CONFIG,
  name: 'gen-test',
  encDim: 16,
  encHeads: 2,
  dim: 16,
  heads: 2,
  layers: 2,
  encLayers: 1,
};

describe('generate', () => {
  it('prefills a repeated prompt once, and every row samples what it samples alone', async () => {
    const be = new CpuBackend();
    const model = new TinyVLM(be, SMALL, new Params(SMALL, be, initParamData(SMALL, 3)));
    const { rows, images } = collate(
      [generateProblem(2, 0), generateProblem(2, 1)].map((p) => problemExample(p, SMALL)),
    );
    const batch = [rows[0], rows[0], rows[1], rows[0], rows[1]];
    const ids = [7, 8, 9, 10, 11];
    const o = { maxNew: 10, stopToken: -1, temperature: 1, topP: 1, seed: 5, stream: 3, step: 2, logprobs: true };
    const together = await generate(model, batch, images, ids, o);
    expect(together.prefillRows).toBe(2);
    expect(new Set(together.tokens.map((t) => t.join())).size).toBeGreaterThan(1); // distinct draws from one prefill
    for (let b = 0; b < batch.length; b++) {
      const alone = await generate(model, [batch[b]], images, [ids[b]], o);
      expect(together.tokens[b]).toEqual(alone.tokens[0]);
      together.logp![b].forEach((lp, j) => expect(lp).toBeCloseTo(alone.logp![0][j], 5));
    }
  });

  it('continues rows from the kept cache as a fresh prefill of prompt + tokens would (forks without re-prefilling)', async () => {
    const be = new CpuBackend();
    const model = new TinyVLM(be, SMALL, new Params(SMALL, be, initParamData(SMALL, 4)));
    const { rows, images } = collate(
      [generateProblem(3, 0), generateProblem(3, 1)].map((p) => problemExample(p, SMALL)),
    );
    const batch = [rows[0], rows[0], rows[1], rows[1]];
    const o = { maxNew: 6, stopToken: -1, temperature: 1, topP: 1, seed: 9, stream: 3, step: 0, logprobs: true };
    const first = await generate(model, batch, images, [0, 1, 2, 3], { ...o, keepCache: true });
    // cut after d tokens (d = 6: the last sampled token was never fed), then a forced token, then sample
    const pick = [3, 0, 1];
    const d = [6, 0, 3];
    const FORCED = 5;
    const prefix = pick.map((b, j) => [...batch[b].ids, ...first.tokens[b].slice(0, d[j])]);
    const start = prefix.map((p) => p.length - 1);
    const feed = prefix.map((p) => [p[p.length - 1], FORCED]);
    const cont = await continueCached(model, first.cache!, pick, start, feed, [20, 21, 22], { ...o, maxNew: 5 });
    model.freeCache(first.cache!.kv);
    const fresh = await generate(
      model,
      pick.map((b, j) => ({ ...batch[b], ids: [...prefix[j], FORCED] })),
      images,
      [20, 21, 22],
      { ...o, maxNew: 5 },
    );
    expect(cont.tokens).toEqual(fresh.tokens);
    cont.logp!.forEach((row, j) => row.forEach((lp, k) => expect(lp).toBeCloseTo(fresh.logp![j][k], 4)));
    expect(cont.prefillRows).toBe(0);
  });
});
