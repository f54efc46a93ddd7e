// One CPU training step of a row, for the tests: a tiny model on the CPU reference backend, small groups, and
// what the step did (its report, and whether the weights moved). Tests only.

import { CpuBackend } from '../../backend/cpu/cpuBackend';
import type { Checkpoint } from '../../model/checkpoint';
import { readFileSync } from 'node:fs';
import { decodeCheckpoint } from '../../model/checkpoint';
import { DEFAULT_RL, type RLConfig } from '../config';
import { RLTrainer } from '../trainer';
import type { StepReport } from '../types';
import { algorithmOf } from './table';

// the shipped warm start: a random model answers nothing right, so its advantages, and its update, are all zero
const bytes = readFileSync('models/tinyvlm-v1/model.safetensors');
const warmStart = decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/** The small config of a row's step: 1 prompt, N 4 k 2 or G 4, short descriptions and answers. */
export const smallConfig = (algo: string): RLConfig => ({
  ...DEFAULT_RL,
  algo: algo as RLConfig['algo'],
  N: 4,
  k: 2,
  G: 4,
  batchPrompts: 1,
  seed: 2,
  heldoutEvery: 0,
  recordPrompts: 1,
  contrastiveK: 1,
  // a reward written as code: the description's length
  rewardCode:
    algorithmOf({ algo }).perception === 'custom'
      ? 'function reward(input) { return input.description.text.length }'
      : '',
});

/** One step of `cfg` from a fresh tiny model: its report, and how many weights it changed. */
export async function rowStep(cfg: RLConfig): Promise<StepReport & { changed: number }> {
  const ck: Checkpoint = warmStart;
  const t = new RLTrainer(new CpuBackend(), cfg, ck);
  try {
    const report = await t.trainStep();
    const after = await t.model.params.toHost();
    let changed = 0;
    for (const [name, w] of ck.tensors) changed += w.filter((x, i) => x !== after.get(name)?.[i]).length;
    return { ...report, changed };
  } finally {
    t.free();
  }
}
