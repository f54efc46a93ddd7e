// dbias[n] += sum_m dout[m, n]: one thread per column, rows in a fixed order
// (deterministic, no atomics).

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.x;
  if (n >= p.N) { return; }
  var s = 0.0;
  for (var m = 0u; m < p.M; m++) { s += dout[m * p.N + n]; }
  dbias[n] += s;
}
