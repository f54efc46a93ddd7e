// The compact rollout records kept for a reload: lossless on real runs, at most 1 MB for a 60-step run, and damaged
// bytes are an Error, never records that are wrong.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CounterRng, Streams } from '../lib/rng';
import type { PromptRecord, StepMetrics } from '../rl/types';
import { decodeRecords, encodeRecords } from './recordCodec';

const DIR = 'data/experiment-wasm';
interface Experiment {
  steps: StepMetrics[];
  last_records: PromptRecord[];
}
const load = (name: string) => JSON.parse(readFileSync(`${DIR}/${name}`, 'utf8')) as Experiment;

describe('recordCodec', () => {
  it('gives back every record exactly, token numbers and all, on each committed algorithm', async () => {
    const names = readdirSync(DIR).filter((n) => /-seed1\.json$/.test(n));
    expect(names.length).toBeGreaterThanOrEqual(8);
    for (const n of names) {
      const recs = load(n).last_records;
      expect(recs.length).toBeGreaterThan(0);
      const back = await decodeRecords(await encodeRecords(recs));
      expect(back).toEqual(recs);
      // the keys in their order too: a run's export after a reload is the same text as before
      expect(JSON.stringify(back)).toBe(JSON.stringify(recs));
    }
  });

  it('keeps float64 where float32 would round, and NaN, infinities and -0', async () => {
    const base = load('grpo-G16-seed1.json').last_records[0];
    const t = base.trajectories[0];
    const odd = [0.1, NaN, -0, Infinity, -Infinity, 1 / 3];
    const rec: PromptRecord = {
      ...base,
      trajectories: [{ ...t, tokAdv: odd, tokLogp: [0.5, -0, NaN], tokEntropy: [], tokDep: [1e-40] }],
    };
    const back = await decodeRecords(await encodeRecords([rec]));
    const b = back[0].trajectories[0];
    expect(b.tokAdv).toHaveLength(odd.length);
    b.tokAdv.forEach((x, i) => expect(Object.is(x, odd[i])).toBe(true));
    expect(Object.is(b.tokLogp[1], -0)).toBe(true);
    expect(b.tokLogp[2]).toBeNaN();
    expect(b.tokEntropy).toEqual([]);
    expect(b.tokDep).toEqual([1e-40]);
    expect(await decodeRecords(await encodeRecords([]))).toEqual([]);
  });

  it('a 60-step GRPO-16 run (the longest rows here) takes at most 1 MB, a tenth of its JSON', async () => {
    const e = load('grpo-G16-seed1.json');
    const one = await encodeRecords(e.last_records);
    // a step's metrics are stored as they are (structured clone): their JSON length bounds them
    const perStep = one.length + JSON.stringify(e.steps[0]).length + 200;
    const json = JSON.stringify(e.last_records).length;
    expect(60 * perStep).toBeLessThan(1e6);
    expect(one.length).toBeLessThan(json / 8);
  });

  it('damaged bytes are an Error saying so, never wrong records', async () => {
    const good = await encodeRecords(load('mirl-N10k6miScorerwarmstart-seed1.json').last_records);
    const rng = new CounterRng(20261207, Streams.test, 0);
    for (let i = 0; i < 60; i++) {
      const bad = good.slice(0, i % 3 === 0 ? rng.int(good.length) : good.length);
      if (i % 3 !== 0) for (let k = 0; k <= rng.int(4); k++) bad[rng.int(bad.length)] ^= 1 + rng.int(255);
      const out = await decodeRecords(bad).then(
        (r) => r,
        (e: unknown) => e,
      );
      // gzip's CRC catches a flipped bit: whatever got through must be the original
      if (out instanceof Error) expect(out.message).toMatch(/^stored rollouts are damaged/);
      else expect(out).toEqual(await decodeRecords(good));
    }
    await expect(decodeRecords(new Uint8Array([1, 2, 3]))).rejects.toThrow(/damaged/);
  });
});
