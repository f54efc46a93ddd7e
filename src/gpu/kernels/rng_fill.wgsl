// Fills out[i] with the RNG's u32 at (seed, stream, step, row = i / width, pos = i % width),
// for checking the WGSL stream against the TS one and for random masks.

struct Params { n: u32, width: u32, seed: u32, stream: u32, step: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= p.n) { return; }
  out[i] = rng_u32(p.seed, p.stream, p.step, i / p.width, i % p.width);
}
