// Layer norm backward, parameter part: dw[c] += sum_r dout*norm, db[c] += sum_r dout.
// One thread per column, rows in order.

struct Params { rows: u32, C: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> rstd: array<f32>;
@group(0) @binding(5) var<storage, read_write> dw: array<f32>;
@group(0) @binding(6) var<storage, read_write> db: array<f32>;

@compute @workgroup_size(64)
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
