// Layer norm over the last axis, one thread per row. Rows are many and C is
// small (<= a few hundred) in this model, so a thread-per-row loop beats a
// workgroup reduction: no barriers, which are costly on every backend and
// very costly on SwiftShader.

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = flat_id(gid, nwg);
  if (r >= p.rows) { return; }
  let o = r * p.C;
  var s = 0.0;
  for (var c = 0u; c < p.C; c++) { s += x[o + c]; }
  let m = s / f32(p.C);
  var v = 0.0;
  for (var c = 0u; c < p.C; c++) { let d = x[o + c] - m; v += d * d; }
  let rs = inverseSqrt(v / f32(p.C) + p.eps);
  for (var c = 0u; c < p.C; c++) { out[o + c] = (x[o + c] - m) * rs * w[c] + bias[c]; }
  mean[r] = m;
  rstd[r] = rs;
}

// Backward, dx part: dx += d(layer norm)/dx applied to dout.
@compute @workgroup_size(WG)
fn backward_dx(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = flat_id(gid, nwg);
  if (r >= p.rows) { return; }
  let o = r * p.C;
  let m = mean[r];
  let rs = rstd[r];
  var a = 0.0;
  var b = 0.0;
  for (var c = 0u; c < p.C; c++) {
    let dn = w[c] * dout[o + c];
    a += dn;
    b += dn * (x[o + c] - m) * rs;
  }
  let dnMean = a / f32(p.C);
  let dnNormMean = b / f32(p.C);
  for (var c = 0u; c < p.C; c++) {
    let norm = (x[o + c] - m) * rs;
    let dn = w[c] * dout[o + c];
    dx[o + c] += (dn - dnMean - norm * dnNormMean) * rs;
  }
}
