// Counter-based RNG, bit-identical to src/lib/rng.ts. Prepended to the
// kernels that draw random numbers.

fn rng_fmix32(x0: u32) -> u32 {
  var h = x0;
  h ^= h >> 16u;
  h *= 0x85ebca6bu;
  h ^= h >> 13u;
  h *= 0xc2b2ae35u;
  h ^= h >> 16u;
  return h;
}

fn rng_u32(seed: u32, stream: u32, step: u32, row: u32, pos: u32) -> u32 {
  var h = rng_fmix32(seed ^ 0x9e3779b9u);
  h = rng_fmix32(h ^ ((stream ^ 0x7f4a7c15u) * 0x27d4eb2fu));
  h = rng_fmix32(h ^ ((step ^ 0x94d049bbu) * 0x165667b1u));
  h = rng_fmix32(h ^ ((row ^ 0xbf58476du) * 0x27d4eb2fu));
  h = rng_fmix32(h ^ ((pos ^ 0xd6e8feb8u) * 0x165667b1u));
  return h;
}

fn rng_uniform(seed: u32, stream: u32, step: u32, row: u32, pos: u32) -> f32 {
  return f32(rng_u32(seed, stream, step, row, pos) >> 8u) * (1.0 / 16777216.0);
}
