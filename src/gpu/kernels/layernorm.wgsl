// Layer norm over the last axis, one thread per row. Rows are many and C is
// small (<= a few hundred) in this model, so a thread-per-row loop beats a
// workgroup reduction: no barriers, which are costly on every backend and
// very costly on SwiftShader.

struct Params { rows: u32, C: u32, eps: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> mean: array<f32>;
@group(0) @binding(6) var<storage, read_write> rstd: array<f32>;

fn row_of(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * 64u;
}

@compute @workgroup_size(64)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = row_of(gid, nwg);
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

// Backward, dx part: bindings reused as x, w, dout (bias slot), dx (out slot), mean, rstd.
@compute @workgroup_size(64)
fn backward_dx(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = row_of(gid, nwg);
  if (r >= p.rows) { return; }
  let o = r * p.C;
  let m = mean[r];
  let rs = rstd[r];
  var a = 0.0;
  var b = 0.0;
  for (var c = 0u; c < p.C; c++) {
    let dn = w[c] * bias[o + c];
    a += dn;
    b += dn * (x[o + c] - m) * rs;
  }
  let dnMean = a / f32(p.C);
  let dnNormMean = b / f32(p.C);
  for (var c = 0u; c < p.C; c++) {
    let norm = (x[o + c] - m) * rs;
    let dn = w[c] * bias[o + c];
    out[o + c] += (dn - dnMean - norm * dnNormMean) * rs;
  }
}
