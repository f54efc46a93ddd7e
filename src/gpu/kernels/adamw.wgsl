// AdamW with decoupled weight decay and clipping by the global gradient norm.
// The norm comes from sumsq[0..nSlots) (per-tensor squared norms written by
// the reduce kernel), so clipping needs no readback to the CPU.

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_id(gid, nwg);
  if (i >= p.n) { return; }
  var scale = 1.0;
  if (p.maxNorm > 0.0) {
    var total = 0.0;
    for (var s = 0u; s < p.nSlots; s++) { total += sumsq[s]; }
    let norm = sqrt(total);
    if (norm > p.maxNorm) { scale = p.maxNorm / (norm + 1e-6); }
  }
  let g = grad[i] * scale;
  let mi = p.beta1 * m[i] + (1.0 - p.beta1) * g;
  let vi = p.beta2 * v[i] + (1.0 - p.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  let mh = mi / p.bc1;
  let vh = vi / p.bc2;
  param[i] -= p.lr * (mh / (sqrt(vh) + p.eps) + p.wd * param[i]);
}
