// Self-attention forward over qkv [B, T, 3C] with the prefix-LM mask: query i
// sees key j when j < prefix[b] (image + question, both ways) or j <= i.
// One thread per (b, head, query): q and the output accumulate in private
// arrays over a single pass of keys (online softmax); a second pass turns the
// saved scores into the probabilities att [B, NH, T, T] the backward needs.

const MAX_HS = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = flat_id(gid, nwg);
  if (idx >= p.B * p.NH * p.T) { return; }
  let T = p.T;
  let i = idx % T;
  let h = (idx / T) % p.NH;
  let b = idx / (T * p.NH);
  let hs = p.C / p.NH;
  let C3 = 3u * p.C;
  let ao = idx * T;
  let pre = prefix[b];
  // keys 0..end-1 are visible; beyond that only masked ones
  let end = max(pre, i + 1u);

  var q: array<f32, MAX_HS>;
  var acc: array<f32, MAX_HS>;
  let qo = (b * T + i) * C3 + h * hs;
  for (var d = 0u; d < hs; d++) { q[d] = qkv[qo + d] * p.scale; acc[d] = 0.0; }

  var mx = -3.0e38;
  var sum = 0.0;
  for (var j = 0u; j < end; j++) {
    let ko = (b * T + j) * C3 + p.C + h * hs;
    var s = 0.0;
    for (var d = 0u; d < hs; d++) { s += q[d] * qkv[ko + d]; }
    att[ao + j] = s;
    let mNew = max(mx, s);
    let corr = exp(mx - mNew);
    let e = exp(s - mNew);
    sum = sum * corr + e;
    let vo = ko + p.C;
    for (var d = 0u; d < hs; d++) { acc[d] = acc[d] * corr + e * qkv[vo + d]; }
    mx = mNew;
  }
  let inv = 1.0 / sum;
  for (var j = 0u; j < T; j++) {
    if (j < end) { att[ao + j] = exp(att[ao + j] - mx) * inv; } else { att[ao + j] = 0.0; }
  }
  let oo = (b * T + i) * p.C + h * hs;
  for (var d = 0u; d < hs; d++) { out[oo + d] = acc[d] * inv; }
}
