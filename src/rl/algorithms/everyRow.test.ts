// Every row of the algorithm table trains: one CPU step each from a tiny model, with a finite loss, weights that
// moved and well-formed records. A new row is checked here without an edit.

import { describe, expect, it } from 'vitest';
import { promptRecordSchema } from '../types';
import { rowStep, smallConfig } from './rowStepFixture';
import { ALGORITHM_NAMES, algorithmOf } from './table';

describe('every row of the algorithm table', () => {
  it.each(ALGORITHM_NAMES)('%s: one CPU step trains, with finite metrics and well-formed records', async (algo) => {
    const { metrics, records, changed } = await rowStep(smallConfig(algo));
    expect(metrics.error).toBeUndefined();
    for (const k of ['answer_acc', 'perception_acc', 'mean_mi', 'loss', 'grad_norm', 'entropy'] as const)
      expect(Number.isFinite(metrics[k]), k).toBe(true);
    expect(changed).toBeGreaterThan(0);
    expect(records).toHaveLength(1);
    expect(() => promptRecordSchema.parse(records[0])).not.toThrow();
    expect(records[0].trajectories).toHaveLength(4);
    // forks complete their k = 2 forks of its prompt, trajectories G = 4
    const forks = algorithmOf({ algo }).group === 'forks';
    expect(metrics.complete_trajectories).toBe(forks ? 2 : 4);
    if (forks) {
      expect(records[0].trajectories.filter((x) => x.kept)).toHaveLength(2);
      expect(records[0].trajectories.filter((x) => !x.kept).every((x) => x.continuation.length === 0)).toBe(true);
    }
  });
});
