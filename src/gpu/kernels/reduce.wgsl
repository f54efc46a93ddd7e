// Row reductions: out[outOffset + r] = op over x[r, 0..cols). One workgroup per
// row; each thread folds a strided slice, then a tree in workgroup memory.
// OP: 0 sum, 1 mean, 2 max, 3 sum of squares, 4 L2 norm.

var<workgroup> red: array<f32, WG>;

fn combine(a: f32, b: f32) -> f32 {
  if (OP == 2u) { return max(a, b); }
  return a + b;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let r = wg.x + wg.y * nwg.x;
  if (r >= p.rows) { return; }
  let o = r * p.cols;
  var acc = select(0.0, -3.4e38, OP == 2u);
  for (var c = lid; c < p.cols; c += WG) {
    let v = x[o + c];
    if (OP == 3u || OP == 4u) { acc += v * v; } else { acc = combine(acc, v); }
  }
  red[lid] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] = combine(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  if (lid == 0u) {
    var v = red[0];
    if (OP == 1u) { v = v / f32(p.cols); }
    if (OP == 4u) { v = sqrt(v); }
    out[p.outOffset + r] = v;
  }
}
