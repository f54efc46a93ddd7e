// Resuming from a snapshot is exact: a run stopped after k steps and rebuilt on a
// fresh backend gives, step for step, what the same run gave without stopping.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu/cpuBackend';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../model/checkpoint';
import { DEFAULT_RL, type RLConfig } from './config';
import {
  dataSum,
  fingerprint,
  readSnapshot,
  resumeTrainer,
  snapshotInfo,
  SnapshotError,
  takeSnapshot,
} from './snapshot';
import { RLTrainer } from './trainer';
import type { StepReport } from './types';
import { SMALL_RUN, tinyCheckpoint, tinyModel } from './tinyFixture';

const SMALL = tinyModel('snap-test');
const ck = (seed = 1) => tinyCheckpoint(SMALL, seed);
// the shipped warm start: its rewards vary within a group, so every arm really moves its weights and moments
const shipped = (): Checkpoint => {
  const b = readFileSync('models/tinyvlm-v1/model.safetensors');
  return decodeCheckpoint(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
};
const cfg = (over: Partial<RLConfig> = {}): RLConfig => ({
  ...DEFAULT_RL,
  ...SMALL_RUN,
  heldoutEvery: 2,
  heldoutCount: 2,
  heldoutSamples: 2,
  recordPrompts: 1,
  contrastiveK: 1,
  lr: 0.02,
  warmupSteps: 2,
  lrSchedule: 'cosine',
  steps: 4,
  ...over,
});

/** Everything a step reports but its timings. */
const untimed = (r: StepReport) => {
  const { step_ms: _a, phase_ms: _b, ...rest } = r.metrics;
  return { metrics: rest, records: r.records };
};

async function steps(t: RLTrainer, n: number): Promise<ReturnType<typeof untimed>[]> {
  const out = [];
  for (let i = 0; i < n; i++) out.push(untimed(await t.trainStep()));
  return out;
}

describe('trainer snapshots', () => {
  it.each([
    ['mirl, frozen MI scorer', { algo: 'mirl', miScorer: 'warmstart' }],
    ['grpo with a KL term', { algo: 'grpo', beta: 0.05 }],
    ['perception-r1, object credit', { algo: 'perception-r1', percCredit: 'object' }],
  ] as const)(
    '%s: stop after 2 steps, resume on a fresh backend, and the rest is bit-identical',
    async (_name, over) => {
      const c = cfg({
        ...(over as Partial<RLConfig>),
        lr: 3e-3,
        seed: 2,
        batchPrompts: 3,
        G: 6,
        N: 6,
        k: 3,
        maxDescTokens: DEFAULT_RL.maxDescTokens,
        maxAnswerTokens: DEFAULT_RL.maxAnswerTokens,
      });
      const warm = shipped();
      const whole = new RLTrainer(new CpuBackend(), c, warm);
      const straight = await steps(whole, 4);
      const wholeWeights = await whole.model.params.toHost();
      whole.free();

      const first = new RLTrainer(new CpuBackend(), c, warm);
      const head = await steps(first, 2);
      const atSnapshot = await first.model.params.toHost();
      const bytes = await takeSnapshot(first, fingerprint(warm));
      first.free();
      expect(snapshotInfo(bytes)).toMatchObject({ step: 2, adamStep: 2, warmStart: fingerprint(warm) });

      const resumed = resumeTrainer(new CpuBackend(), c, warm, bytes);
      expect(resumed.step).toBe(2);
      const tail = await steps(resumed, 2);
      expect([...head, ...tail]).toEqual(straight);
      const w = await resumed.model.params.toHost();
      for (const [k, v] of wholeWeights) expect(w.get(k), k).toEqual(v);
      // the steps after the snapshot moved the weights: the comparison above tested the moments too
      expect([...wholeWeights].some(([k, v]) => v.some((x, i) => x !== atSnapshot.get(k)![i]))).toBe(true);
      resumed.free();
    },
    120_000,
  );

  it('refuses, with the reason, a snapshot of another config, another warm start, another format or no optimiser state', async () => {
    const c = cfg({ algo: 'grpo' });
    const warm = ck();
    const t = new RLTrainer(new CpuBackend(), c, warm);
    await t.trainStep();
    const bytes = await takeSnapshot(t, fingerprint(warm));
    const good = readSnapshot(bytes, { config: c, warmStart: warm });
    expect(good.info.step).toBe(1);

    expect(() => readSnapshot(bytes, { config: { ...c, lr: 1e-3 }, warmStart: warm })).toThrow(
      /another config \(lr: 0.02 vs 0.001\)/,
    );
    expect(() => readSnapshot(bytes, { config: c, warmStart: ck(2) })).toThrow(/another warm start/);
    expect(() => readSnapshot(bytes.subarray(0, bytes.length - 100), { config: c, warmStart: warm })).toThrow(
      SnapshotError,
    );
    expect(() => readSnapshot(bytes.subarray(0, bytes.length - 100), { config: c, warmStart: warm })).toThrow(
      /unreadable: .*truncated/,
    );
    // one bit of the data changed in transit
    const flipped = bytes.slice();
    flipped[flipped.length - 5] ^= 4;
    expect(() => readSnapshot(flipped, { config: c, warmStart: warm })).toThrow(
      /damaged: its data does not match its checksum/,
    );
    // a plain checkpoint is not a snapshot
    expect(() => snapshotInfo(encodeCheckpoint(SMALL, warm.tensors))).toThrow(/not a trainer snapshot/);
    // a future format
    const tensors = await t.model.params.toHost();
    for (const [k, v] of await t.opt.toHost()) tensors.set(k, v);
    const meta = {
      kind: 'mirl-trainer-snapshot',
      snapshot_version: '99',
      step: '1',
      adam_step: '1',
      rl_config: JSON.stringify(c),
      warm_start: fingerprint(warm),
      data_fnv: '',
    };
    expect(() => snapshotInfo(encodeCheckpoint(SMALL, tensors, meta))).toThrow(/format v99, this page reads v1/);
    // the moments missing
    const weightsOnly = await t.model.params.toHost();
    const noMoments = encodeCheckpoint(SMALL, weightsOnly, {
      ...meta,
      snapshot_version: '1',
      data_fnv: dataSum(weightsOnly),
    });
    expect(() => readSnapshot(noMoments, { config: c, warmStart: warm })).toThrow(/lacks the optimiser state opt.m./);
    t.free();
  });

  it('reads 3,000 damaged snapshots (bytes flipped, cut short, header bytes rewritten) as a SnapshotError or a whole state, never anything else', async () => {
    const c = cfg({ algo: 'grpo' });
    const warm = ck();
    const t = new RLTrainer(new CpuBackend(), c, warm);
    await t.trainStep();
    const bytes = await takeSnapshot(t, fingerprint(warm));
    t.free();
    let seed = 7;
    const rand = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    const whole = readSnapshot(bytes, { config: c, warmStart: warm });
    const bits = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
    const sameBits = (a: ReadonlyMap<string, Float32Array>, b: ReadonlyMap<string, Float32Array>) =>
      a.size === b.size && [...a].every(([k, x]) => b.has(k) && bits(x).equals(bits(b.get(k)!)));
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      let b = bytes.slice();
      const kind = i % 3;
      if (kind === 0) for (let j = 0; j < 1 + rand(4); j++) b[rand(b.length)] ^= 1 << rand(8);
      else if (kind === 1) b = b.subarray(0, rand(b.length));
      else for (let j = 0; j < 1 + rand(8); j++) b[rand(Math.min(b.length, 600))] = rand(256);
      let got: ReturnType<typeof readSnapshot>;
      try {
        got = readSnapshot(b, { config: c, warmStart: warm });
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(SnapshotError);
        refused++;
        continue;
      }
      // a damaged snapshot that loads is the whole state: the same step, config and every weight and moment bit
      expect(got.info, `damage ${i}`).toEqual(whole.info);
      expect(got.weights.config).toEqual(whole.weights.config);
      expect(sameBits(got.weights.tensors, whole.weights.tensors), `damage ${i}`).toBe(true);
      expect(sameBits(got.moments, whole.moments), `damage ${i}`).toBe(true);
    }
    // all but the flips that land in the header's padding or an unread metadata value
    expect(refused).toBeGreaterThan(2900);
  }, 60_000);

  it('a fingerprint names the checkpoint: one changed bit changes it', () => {
    const a = ck();
    const b = ck();
    expect(fingerprint(a)).toBe(fingerprint(b));
    const t = b.tensors.get('dec.head.w')!;
    t[7] = Math.fround(t[7] * (1 + 2 ** -20));
    expect(fingerprint(a)).not.toBe(fingerprint(b));
  });
});
