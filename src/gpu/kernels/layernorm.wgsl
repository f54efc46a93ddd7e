// Layer norm over the last axis: one workgroup of 64 threads per row, tree
// reductions in workgroup memory (a fixed order, so results are deterministic).

struct Params { rows: u32, C: u32, eps: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> mean: array<f32>;
@group(0) @binding(6) var<storage, read_write> rstd: array<f32>;

const WG = 64u;
var<workgroup> red: array<f32, 64>;

fn wg_sum(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] += red[lid + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

fn row_of(wg: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wg.x + wg.y * nwg.x;
}

@compute @workgroup_size(64)
fn forward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
           @builtin(local_invocation_index) lid: u32) {
  let r = row_of(wg, nwg);
  if (r >= p.rows) { return; }
  let o = r * p.C;
  var s = 0.0;
  for (var c = lid; c < p.C; c += WG) { s += x[o + c]; }
  let m = wg_sum(s, lid) / f32(p.C);
  var v = 0.0;
  for (var c = lid; c < p.C; c += WG) { let d = x[o + c] - m; v += d * d; }
  let rs = inverseSqrt(wg_sum(v, lid) / f32(p.C) + p.eps);
  for (var c = lid; c < p.C; c += WG) { out[o + c] = (x[o + c] - m) * rs * w[c] + bias[c]; }
  if (lid == 0u) { mean[r] = m; rstd[r] = rs; }
}

// Backward, dx part: bindings reused as x, w, dout (=bias slot), dx (=out slot), mean, rstd.
@compute @workgroup_size(64)
fn backward_dx(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
  let r = row_of(wg, nwg);
  if (r >= p.rows) { return; }
  let o = r * p.C;
  let m = mean[r];
  let rs = rstd[r];
  var a = 0.0;
  var b = 0.0;
  for (var c = lid; c < p.C; c += WG) {
    let norm = (x[o + c] - m) * rs;
    let dn = w[c] * bias[o + c];
    a += dn;
    b += dn * norm;
  }
  let dnMean = wg_sum(a, lid) / f32(p.C);
  let dnNormMean = wg_sum(b, lid) / f32(p.C);
  for (var c = lid; c < p.C; c += WG) {
    let norm = (x[o + c] - m) * rs;
    let dn = w[c] * bias[o + c];
    out[o + c] += (dn - dnMean - norm * dnNormMean) * rs;
  }
}
