// The held-out ruler, checked: standard errors by hand, samples that collapse to
// the greedy decode when sampling is made greedy, and draws that do not depend on k.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu/cpuBackend';
import { decodeCheckpoint } from './checkpoint';
import { evaluate, meanSE } from './evaluate';
import { Params } from './params';
import { TinyVLM } from './tinyvlm';

const bytes = readFileSync('models/tinyvlm-v1/model.safetensors');
const ck = decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
const warmStart = () => {
  const be = new CpuBackend();
  return new TinyVLM(be, ck.config, new Params(ck.config, be, ck.tensors));
};

describe('held-out evaluation over samples', () => {
  it('gives the mean and its standard error over problems', () => {
    expect(meanSE([1, 0, 1, 0])).toEqual({ mean: 0.5, se: expect.closeTo(Math.sqrt(1 / 3 / 4), 12) });
    expect(meanSE([0.3])).toEqual({ mean: 0.3, se: 0 });
    expect(meanSE([]).mean).toBeNaN();
  });

  it('samples that can only take the top token are the greedy decodes: the same figures', async () => {
    const m = warmStart();
    const ev = await evaluate(m, 4242, 12, { samples: 2, temperature: 0.05, topP: 0.05, mi: false, batch: 6 });
    const h = ev.heldout;
    expect(h.sampled!.k).toBe(2);
    expect(h.sampled!.desc_exact).toBeCloseTo(h.greedy.desc_exact, 12);
    expect(h.sampled!.desc_f1).toBeCloseTo(h.greedy.desc_f1!, 12);
    expect(h.sampled!.answer_acc).toBeCloseTo(h.greedy.answer_acc, 12);
    expect(ev.overall.mi_right).toBeNull(); // MI not scored when not asked
  });

  it('at the rollout temperature, is reproducible, below greedy on descriptions, and its draws do not depend on how problems are batched', async () => {
    const m = warmStart();
    const run = (k: number) => evaluate(m, 4242, 16, { samples: k, temperature: 1, topP: 1, mi: false });
    const a = await run(2);
    const b = await run(2);
    const one = await run(1);
    expect(a.heldout).toEqual(b.heldout);
    const s = a.heldout.sampled!;
    expect(s.desc_f1).toBeLessThan(a.heldout.greedy.desc_f1!);
    expect(s.se.desc_f1).toBeGreaterThan(0);
    // lucky guesses are right answers after wrong descriptions: never more than the answers
    expect(s.lucky).toBeLessThanOrEqual(s.answer_acc);
    // each sample draws on its own RNG row (sample index, problem index): batching changes nothing
    const ks = await Promise.all(
      [1, 2].map((k) => evaluate(m, 4242, 16, { samples: k, temperature: 1, topP: 1, mi: false, batch: 16 })),
    );
    expect(one.heldout.sampled!.k).toBe(1);
    expect(ks[0].heldout.sampled).toEqual(one.heldout.sampled);
    expect(ks[1].heldout.sampled).toEqual(a.heldout.sampled);
  }, 60_000);
});
