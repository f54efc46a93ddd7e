// Embedding lookup and its scatter-add backward. The backward gives each
// thread one channel and walks the rows in order: no atomics, deterministic.

override ACCUMULATE: bool = false;

struct Params { N: u32, C: u32, V: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> ids: array<u32>;
@group(0) @binding(2) var<storage, read> src: array<f32>;      // table (forward) or dout (backward)
@group(0) @binding(3) var<storage, read_write> dst: array<f32>; // out (forward) or dtable (backward)

@compute @workgroup_size(256)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * 256u;
  if (idx >= p.N * p.C) { return; }
  let n = idx / p.C;
  let c = idx % p.C;
  let id = ids[n];
  var v = 0.0;
  if (id < p.V) { v = src[id * p.C + c]; }
  if (ACCUMULATE) { v += dst[idx]; }
  dst[idx] = v;
}

@compute @workgroup_size(64)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= p.C) { return; }
  for (var n = 0u; n < p.N; n++) {
    let id = ids[n];
    if (id < p.V) { dst[id * p.C + c] += src[n * p.C + c]; }
  }
}
