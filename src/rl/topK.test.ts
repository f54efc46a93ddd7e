import { describe, expect, it } from 'vitest';
import { topKMask } from './topK';

describe('top-k of each group', () => {
  it('keeps the k best of each group, ties to the lower index', () => {
    expect(topKMask([0.1, 0.5, 0.5, 0.9, 0.2], 1, 5, 2)).toEqual([0, 1, 0, 1, 0]);
    // two groups of three, k = 1: each group on its own
    expect(topKMask([3, 1, 2, -1, -1, -5], 2, 3, 1)).toEqual([1, 0, 0, 1, 0, 0]);
  });

  it('keeps all for k >= N and none for k = 0; a NaN score ranks below every number and is never kept ahead of one', () => {
    expect(topKMask([1, 2, 3], 1, 3, 5)).toEqual([1, 1, 1]);
    expect(topKMask([1, 2, 3], 1, 3, 0)).toEqual([0, 0, 0]);
    expect(topKMask([NaN, 2, 1], 1, 3, 2)).toEqual([0, 1, 1]);
    expect(topKMask([NaN, NaN, 1], 1, 3, 2)).toEqual([1, 0, 1]);
  });
});
