// Counter-based RNG (DESIGN.md section 6): a pure function of
// (seed, stream, step, row, position) -> u32, implemented identically in
// src/gpu/kernels/rng.wgsl. Only 32-bit integer ops with wrap-around are used
// (Math.imul, >>>), which WGSL's u32 arithmetic matches bit for bit.

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// One distinct odd constant per counter word, so that swapping two words
// changes the hash.
const K = [0x9e3779b9, 0x7f4a7c15, 0x94d049bb, 0xbf58476d, 0xd6e8feb8] as const;

/** The u32 at a counter. Every word is taken modulo 2^32. */
export function rngU32(seed: number, stream: number, step: number, row: number, pos: number): number {
  let h = fmix32((seed ^ K[0]) >>> 0);
  h = fmix32((h ^ Math.imul(stream ^ K[1], 0x27d4eb2f)) >>> 0);
  h = fmix32((h ^ Math.imul(step ^ K[2], 0x165667b1)) >>> 0);
  h = fmix32((h ^ Math.imul(row ^ K[3], 0x27d4eb2f)) >>> 0);
  h = fmix32((h ^ Math.imul(pos ^ K[4], 0x165667b1)) >>> 0);
  return h;
}

/** Uniform in [0, 1) with 24 bits, exactly representable in f32 (same value in WGSL). */
export function rngUniform(seed: number, stream: number, step: number, row: number, pos: number): number {
  return (rngU32(seed, stream, step, row, pos) >>> 8) * (1 / 16777216);
}

/** Named streams keep unrelated uses of one seed independent. */
export const Streams = {
  init: 1,
  data: 2,
  sample: 3,
  dropout: 4,
  patchMask: 5,
  corrupt: 6,
  probe: 7,
  heldout: 9,
  // a custom reward's Math.random (rl/customReward.ts)
  reward: 10,
  test: 99,
} as const;

/**
 * A sequential generator over one (seed, stream, step, row) line: handy on the
 * CPU for scene generation and init, still a pure function of its counters.
 */
export class CounterRng {
  private pos = 0;
  constructor(
    readonly seed: number,
    readonly stream: number,
    readonly step = 0,
    readonly row = 0,
  ) {}

  u32(): number {
    return rngU32(this.seed, this.stream, this.step, this.row, this.pos++);
  }
  /** Uniform in [0, 1). */
  next(): number {
    return (this.u32() >>> 8) * (1 / 16777216);
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  /** Standard normal by Box-Muller. */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  }
}
