// Checks that prove the loop, from the shipped warm start on the CPU backend:
// on one fixed prompt the update must drive up the reward it is given (and
// down when its sign is flipped). If these fail, the update is broken; if
// they pass and fresh prompts do not improve, the question is generalisation
// (npm run rl-check tells which).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu/cpuBackend';
import { decodeCheckpoint } from '../model/checkpoint';
import { DEFAULT_RL, type RLConfig } from './config';
import { RLTrainer } from './trainer';
import type { StepMetrics } from './types';

const bytes = readFileSync('models/tinyvlm-v1/model.safetensors');
const ck = decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
// one prompt (the first of run seed 2: the warm start gets its answer right half the time, its description never)
const onePrompt = (over: Partial<RLConfig>): RLConfig => ({
  ...DEFAULT_RL,
  batchPrompts: 1,
  promptPool: 1,
  G: 16,
  seed: 2,
  lr: 3e-4,
  heldoutEvery: 0,
  recordPrompts: 0,
  ...over,
});

/** Trains until the mean of `fig` over the last 3 steps passes `done`, or `maxSteps`; returns the metrics. */
async function train(
  cfg: RLConfig,
  maxSteps: number,
  done: (last3: number[]) => boolean,
  fig: (m: StepMetrics) => number,
): Promise<StepMetrics[]> {
  const t = new RLTrainer(new CpuBackend(), cfg, ck);
  const ms: StepMetrics[] = [];
  for (let s = 0; s < maxSteps; s++) {
    const { metrics } = await t.trainStep();
    expect(metrics.error).toBeUndefined();
    ms.push(metrics);
    if (ms.length >= 3 && done(ms.slice(-3).map(fig))) break;
  }
  t.free();
  return ms;
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('the RL loop on one prompt (shipped warm start, CPU)', () => {
  it('GRPO drives its answer reward to at least 0.9', async () => {
    const ms = await train(
      onePrompt({ algo: 'grpo' }),
      24,
      (l) => mean(l) >= 0.9,
      (m) => m.answer_acc,
    );
    expect(mean(ms.slice(0, 2).map((m) => m.answer_acc))).toBeLessThan(0.7);
    expect(mean(ms.slice(-3).map((m) => m.answer_acc))).toBeGreaterThanOrEqual(0.9);
  }, 300_000);

  it.each(['sequence', 'object'] as const)(
    'perception-r1 (%s credit) drives description F1 to at least 0.9',
    async (percCredit) => {
      const ms = await train(
        onePrompt({ algo: 'perception-r1', percCredit }),
        24,
        (l) => mean(l) >= 0.9,
        (m) => m.desc_f1,
      );
      expect(ms[0].desc_f1).toBeLessThan(0.7);
      expect(mean(ms.slice(-3).map((m) => m.desc_f1))).toBeGreaterThanOrEqual(0.9);
    },
    300_000,
  );

  it('flipping the reward sign sends the answer reward the other way', async () => {
    const ms = await train(
      onePrompt({ algo: 'grpo', wAns: -1 }),
      12,
      (l) => mean(l) <= 0.05,
      (m) => m.answer_acc,
    );
    expect(ms[0].answer_acc).toBeGreaterThan(0.3);
    expect(mean(ms.slice(-3).map((m) => m.answer_acc))).toBeLessThanOrEqual(0.05);
  }, 300_000);
});
