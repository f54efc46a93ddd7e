import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu/cpuBackend';
import { timeProbeStep } from './probeStep';

describe('the backend probe step', () => {
  it('runs sampling and an update, and gives a first and a later time', async () => {
    const t = await timeProbeStep(new CpuBackend(), 1, { rows: 2, newTokens: 4, updateRows: 2 });
    expect(t.firstMs).toBeGreaterThan(0);
    expect(t.ms).toBeGreaterThan(0);
    expect(Number.isFinite(t.ms)).toBe(true);
  });
});
