// The trainer counts every trajectory of a step in the lesson's terms (metrics.update_counts), the same way the
// teaching view counts recorded rollouts: with every prompt recorded, the two agree.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeBackend } from '../../scripts/nodeBackend';
import { decodeCheckpoint } from '../model/checkpoint';
import { DEFAULT_RL } from './config';
import { recordRows } from './comparison';
import { RLTrainer } from './trainer';
import { addCounts, emptyCounts, updateCounts } from './updateRates';

// the shipped warm start: a random model gets no description right, and there would be nothing to count
const b = readFileSync('models/tinyvlm-v1/model.safetensors');
const ck = decodeCheckpoint(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));

describe("a step's update counts", () => {
  it('over every trajectory, as the records count them (GRPO, MIRL, Perception-R1)', async () => {
    let seen = emptyCounts();
    for (const algo of ['grpo', 'mirl', 'perception-r1'] as const) {
      const cfg = { ...DEFAULT_RL, algo, N: 10, k: 6, G: 10, batchPrompts: 3, recordPrompts: 3, heldoutEvery: 0 };
      const t = new RLTrainer(nodeBackend('wasm'), cfg, ck);
      const { metrics, records } = await t.trainStep();
      t.free();
      expect(metrics.error).toBeUndefined();
      expect(records).toHaveLength(3);
      const fromRecords = updateCounts(recordRows(records));
      expect(metrics.update_counts, algo).toEqual(fromRecords);
      seen = addCounts(seen, fromRecords);
    }
    // the check had something to compare
    expect(seen.pairs + seen.near_pairs).toBeGreaterThan(0);
    expect(seen.lucky + seen.near_lucky).toBeGreaterThan(0);
  }, 300_000);
});
