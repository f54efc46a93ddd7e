// Attention backward in two passes without atomics:
//  backward_q, one thread per (b, head, query i): dpre[i, j] = att * (datt - sum att*datt),
//    dq[i] += scale * sum_j dpre[i, j] k[j];
//  backward_kv, one thread per (b, head, key j): dk[j] += scale * sum_i dpre[i, j] q[i],
//    dv[j] += sum_i att[i, j] dout[i].
// Masked entries have att = 0, hence dpre = 0, and are skipped.

const MAX_HS = 64u;

@compute @workgroup_size(WG)
fn backward_q(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = flat_id(gid, nwg);
  if (idx >= p.B * p.NH * p.T) { return; }
  let T = p.T;
  let i = idx % T;
  let h = (idx / T) % p.NH;
  let b = idx / (T * p.NH);
  let hs = p.C / p.NH;
  let C3 = 3u * p.C;
  let ao = idx * T;
  let oo = (b * T + i) * p.C + h * hs;

  var g: array<f32, MAX_HS>;
  var dq: array<f32, MAX_HS>;
  for (var d = 0u; d < hs; d++) { g[d] = dout[oo + d]; dq[d] = 0.0; }

  var s = 0.0;
  for (var j = 0u; j < T; j++) {
    let a = att[ao + j];
    var datt = 0.0;
    if (a != 0.0) {
      let vo = (b * T + j) * C3 + 2u * p.C + h * hs;
      for (var d = 0u; d < hs; d++) { datt += g[d] * qkv[vo + d]; }
    }
    dpre[ao + j] = datt;
    s += a * datt;
  }
  for (var j = 0u; j < T; j++) {
    let a = att[ao + j];
    let dp = a * (dpre[ao + j] - s);
    dpre[ao + j] = dp;
    if (a != 0.0) {
      let ko = (b * T + j) * C3 + p.C + h * hs;
      for (var d = 0u; d < hs; d++) { dq[d] += dp * qkv[ko + d]; }
    }
  }
  let qo = (b * T + i) * C3 + h * hs;
  for (var d = 0u; d < hs; d++) { dqkv[qo + d] += dq[d] * p.scale; }
}

@compute @workgroup_size(WG)
fn backward_kv(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = flat_id(gid, nwg);
  if (idx >= p.B * p.NH * p.T) { return; }
  let T = p.T;
  let j = idx % T;
  let h = (idx / T) % p.NH;
  let b = idx / (T * p.NH);
  let hs = p.C / p.NH;
  let C3 = 3u * p.C;
  let rowBase = (b * p.NH + h) * T; // att row of query i is (rowBase + i) * T

  var dk: array<f32, MAX_HS>;
  var dv: array<f32, MAX_HS>;
  for (var d = 0u; d < hs; d++) { dk[d] = 0.0; dv[d] = 0.0; }
  for (var i = 0u; i < T; i++) {
    let e = (rowBase + i) * T + j;
    let a = att[e];
    if (a == 0.0) { continue; }
    let dp = dpre[e];
    let qo = (b * T + i) * C3 + h * hs;
    let oo = (b * T + i) * p.C + h * hs;
    for (var d = 0u; d < hs; d++) {
      dk[d] += dp * qkv[qo + d];
      dv[d] += a * dout[oo + d];
    }
  }
  let ko = (b * T + j) * C3 + p.C + h * hs;
  for (var d = 0u; d < hs; d++) {
    dqkv[ko + d] += dk[d] * p.scale;
    dqkv[ko + p.C + d] += dv[d];
  }
}
