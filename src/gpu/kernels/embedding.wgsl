// Embedding lookup and its scatter-add backward. The backward gives each
// thread one channel and walks the rows in order: no atomics, deterministic.

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = flat_id(gid, nwg);
  if (idx >= p.N * p.C) { return; }
  let n = idx / p.C;
  let c = idx % p.C;
  let id = ids[n];
  var v = 0.0;
  if (id < p.V) { v = table[id * p.C + c]; }
  if (ACCUMULATE) { v += out[idx]; }
  out[idx] = v;
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= p.C) { return; }
  for (var n = 0u; n < p.N; n++) {
    let id = ids[n];
    if (id < p.V) { dtable[id * p.C + c] += dout[n * p.C + c]; }
  }
}
