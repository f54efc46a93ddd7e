// Layer norm backward, parameter part: dw[c] += sum_r dout*norm, db[c] += sum_r dout.
// One thread per column, rows in order.

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= p.C) { return; }
  var sw = 0.0;
  var sb = 0.0;
  for (var r = 0u; r < p.rows; r++) {
    let g = dout[r * p.C + c];
    sw += g * (x[r * p.C + c] - mean[r]) * rstd[r];
    sb += g;
  }
  dw[c] += sw;
  db[c] += sb;
}
