// VPPO's token dependency, mask and trajectory scaling on hand-computed cases.
import { describe, expect, it } from 'vitest';
import type { TrainBatch } from '../batch';
import { dependencyScales, tokenDependency, topDependencyMask, vppoShape } from './vppo';

describe('VPPO', () => {
  it('dependency: k3 of the log-prob shift on the sampled token, clamped as VPPO does', () => {
    expect(tokenDependency(-1, -1)).toBe(0);
    expect(tokenDependency(-2, -1)).toBeCloseTo(Math.E - 2, 12); // d = 1
    expect(tokenDependency(-1, -2)).toBeCloseTo(Math.exp(-1), 12); // d = -1: e^-1 + 1 - 1
    expect(tokenDependency(0, -40)).toBe(10); // d clamped to -20, then the dependency to 10
    expect(tokenDependency(-40, 0)).toBe(10);
  });

  it("keeps each response's top ceil(fraction x length) tokens by dependency, ties to the earlier", () => {
    expect(topDependencyMask([[0.1, 0.5, 0.3, 0.5, 0], [2, 1], []], 0.4)).toEqual([[0, 1, 0, 1, 0], [1, 0], []]);
    expect(topDependencyMask([[1, 2, 3]], 0.2)).toEqual([[0, 0, 1]]); // at least one token
    expect(topDependencyMask([[1, 2, 3]], 1)).toEqual([[1, 1, 1]]);
  });

  it('scales trajectories by min-max normalised mean dependency, mapped to mean 1 above the floor', () => {
    const s = dependencyScales([0, 1, 2], 0.8); // u = 0, 0.5, 1; mean 0.5
    expect(s[0]).toBeCloseTo(0.8, 12);
    expect(s[1]).toBeCloseTo(1, 12);
    expect(s[2]).toBeCloseTo(1.2, 12);
    expect(dependencyScales([3, 3], 0.8)).toEqual([1, 1]);
    expect(dependencyScales([0, 5], 1)).toEqual([1, 1]);
  });

  it('masks and scales the batch: untrained tokens carry no advantage; masks already off stay off', () => {
    const b = {
      adv: [
        [1, 1, 1],
        [-1, -1, -1],
      ],
      mask: [
        [1, 1, 1],
        [1, 1, 0],
      ],
      advAns: [1, -1],
    } as unknown as TrainBatch;
    const dep = [
      [0, 4, 2],
      [0, 0, 9],
    ];
    const out = vppoShape(b, dep, 0.34, 0.5); // keep 2 of 3; mean dep 2 and 3 -> u 0, 1 -> scales 0.5, 1.5
    expect(out.mask).toEqual([
      [0, 1, 1],
      [1, 0, 0],
    ]);
    expect(out.adv).toEqual([
      [0, 0.5, 0.5],
      [-1.5, 0, 0],
    ]);
    expect(out.advAns).toEqual([0.5, -1.5]);
  });
});
