import { describe, expect, it } from 'vitest';
import { sizeClass } from './bufferPool';

describe('buffer size classes', () => {
  it('round up to a 256-byte multiple within 25% of the request', () => {
    for (let bytes = 1; bytes < 5_000_000; bytes = Math.ceil(bytes * 1.37) + 3) {
      const c = sizeClass(bytes);
      expect(c).toBeGreaterThanOrEqual(bytes);
      expect(c % 256).toBe(0);
      if (bytes > 1024) expect(c / bytes).toBeLessThanOrEqual(1.25 + 1e-9);
    }
  });
  it('map nearby sizes to one class so buffers are reused', () => {
    expect(sizeClass(3600)).toBe(sizeClass(4000));
    expect(sizeClass(4096)).not.toBe(sizeClass(4097));
  });
});
