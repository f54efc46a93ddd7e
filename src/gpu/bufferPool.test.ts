import { describe, expect, it } from 'vitest';
import { BufferPool, sizeClass } from './bufferPool';

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

describe('buffers over the GPU limits', () => {
  // only what acquire touches: the limits and createBuffer
  const device = (maxBufferSize: number, maxStorageBufferBindingSize: number) => {
    const made: number[] = [];
    const d = {
      limits: { maxBufferSize, maxStorageBufferBindingSize },
      createBuffer: ({ size }: { size: number }) => (made.push(size), { size }),
    };
    return { d: d as unknown as GPUDevice, made };
  };
  it('are refused with what to change, before WebGPU sees them', () => {
    const { d, made } = device(2 ** 30, 2 ** 27);
    const pool = new BufferPool(d, 0x80 /* STORAGE */, 'tensor');
    expect(() => pool.acquire(2 ** 27 + 4)).toThrow(
      /GPU buffer of 128\.0 MB, over this GPU's limit of 128\.0 MB: lower the prompts per step/,
    );
    expect(made).toEqual([]);
    // a request under the limit whose size class would round past it gets exactly the limit
    pool.acquire(2 ** 27 - 1000);
    expect(made).toEqual([2 ** 27]);
    // a staging buffer is bound by maxBufferSize only
    const staging = new BufferPool(d, 0x01 /* MAP_READ */, 'staging');
    staging.acquire(2 ** 28);
    expect(made[1]).toBeGreaterThanOrEqual(2 ** 28);
  });
});
