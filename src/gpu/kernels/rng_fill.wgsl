// Fills out[i] with the RNG's u32 at (seed, stream, step, row = i / width, pos = i % width),
// for checking the WGSL stream against the TS one and for random masks.

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_id(gid, nwg);
  if (i >= p.n) { return; }
  out[i] = rng_u32(p.seed, p.stream, p.step, i / p.width, i % p.width);
}
