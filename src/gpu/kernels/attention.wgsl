// Self-attention forward over qkv [B, T, 3C] with the prefix-LM mask: query i
// sees key j when j < prefix[b] (image + question, both ways) or j <= i.
// One thread per (b, head, query); att [B, NH, T, T] keeps the probabilities
// for the backward pass.

struct Params { B: u32, T: u32, C: u32, NH: u32, scale: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> qkv: array<f32>;
@group(0) @binding(2) var<storage, read> prefix: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read_write> att: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * 64u;
  if (idx >= p.B * p.NH * p.T) { return; }
  let T = p.T;
  let i = idx % T;
  let h = (idx / T) % p.NH;
  let b = idx / (T * p.NH);
  let hs = p.C / p.NH;
  let C3 = 3u * p.C;
  let qo = (b * T + i) * C3 + h * hs;
  let ao = idx * T;
  let pre = prefix[b];

  var mx = -3.0e38;
  for (var j = 0u; j < T; j++) {
    if (j < pre || j <= i) {
      let ko = (b * T + j) * C3 + p.C + h * hs;
      var dot = 0.0;
      for (var d = 0u; d < hs; d++) { dot += qkv[qo + d] * qkv[ko + d]; }
      let s = dot * p.scale;
      att[ao + j] = s;
      mx = max(mx, s);
    }
  }
  var sum = 0.0;
  for (var j = 0u; j < T; j++) {
    if (j < pre || j <= i) {
      let e = exp(att[ao + j] - mx);
      att[ao + j] = e;
      sum += e;
    } else {
      att[ao + j] = 0.0;
    }
  }
  let inv = 1.0 / sum;
  for (var j = 0u; j < T; j++) { att[ao + j] *= inv; }

  let oo = (b * T + i) * p.C + h * hs;
  for (var d = 0u; d < hs; d++) {
    var acc = 0.0;
    for (var j = 0u; j < T; j++) {
      if (j < pre || j <= i) { acc += att[ao + j] * qkv[(b * T + j) * C3 + 2u * p.C + h * hs + d]; }
    }
    out[oo + d] = acc;
  }
}
