// The KV-cache path for sampling one token at a time.
//  kv_write: copies k, v of qkv [B, T, 3C] into caches [B, Tmax, C] at start[b] + t.
//  decode: one thread per (b, head); the row's single new query attends to
//    cache positions [0, len[b]) with an online softmax.

const MAX_HS = 128u;

@compute @workgroup_size(WG)
fn kv_write(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = flat_id(gid, nwg);
  if (idx >= p.B * p.T * p.C) { return; }
  let c = idx % p.C;
  let bt = idx / p.C;
  let t = bt % p.T;
  let b = bt / p.T;
  let pos = rowStart[b] + t;
  if (pos >= p.Tmax) { return; }
  let src = bt * 3u * p.C;
  let dst = (b * p.Tmax + pos) * p.C + c;
  kCache[dst] = qkv[src + p.C + c];
  vCache[dst] = qkv[src + 2u * p.C + c];
}

@compute @workgroup_size(WG)
fn decode(@builtin(global_invocation_id) gid: vec3<u32>) {
  let idx = gid.x;
  if (idx >= p.B * p.NH) { return; }
  let h = idx % p.NH;
  let b = idx / p.NH;
  let hs = p.C / p.NH;
  let L = min(rowLen[b], p.Tmax);
  let qo = b * 3u * p.C + h * hs;
  var acc: array<f32, MAX_HS>;
  for (var d = 0u; d < hs; d++) { acc[d] = 0.0; }
  var mx = -3.0e38;
  var sum = 0.0;
  for (var j = 0u; j < L; j++) {
    let ko = (b * p.Tmax + j) * p.C + h * hs;
    var dot = 0.0;
    for (var d = 0u; d < hs; d++) { dot += qkv[qo + d] * kCache[ko + d]; }
    let s = dot * p.scale;
    let mNew = max(mx, s);
    let corr = exp(mx - mNew);
    let e = exp(s - mNew);
    sum = sum * corr + e;
    for (var d = 0u; d < hs; d++) { acc[d] = acc[d] * corr + e * vCache[ko + d]; }
    mx = mNew;
  }
  let inv = select(0.0, 1.0 / sum, L > 0u);
  for (var d = 0u; d < hs; d++) { out[b * p.C + h * hs + d] = acc[d] * inv; }
}
