// MI of each row's description, in one kernel: the per-token log-softmax
// gather from the logits of the real pass and of K alternative passes, their
// difference, and the masked aggregate (mean or sum). One thread per row.
// Without a clip:
//   S = sum over description tokens of log p;  total = S_real - (logsumexp_j S_j - log K)
// With clip c > 0 (the pointwise terms clamped, as VPPO and PAPO clamp theirs):
//   total = sum_t clamp(dep_t, -c, c)
// mi[b] = total / n (mean) or total (sum).
// dep[b*T + t] = log p_real - mean_j log p_alt_j on description tokens, 0 elsewhere (never clipped).
// With hasReal, log p_real comes from real[b*T + t] (recorded by the sampler) and the logits
// hold only the K alternative passes.

const MAX_K = 16u;

fn log_softmax_at(o: u32, id: u32) -> f32 {
  var m = -3.0e38;
  for (var v = 0u; v < p.V; v++) { m = max(m, logits[o + v]); }
  var s = 0.0;
  for (var v = 0u; v < p.V; v++) { s += exp(logits[o + v] - m); }
  return logits[o + min(id, p.V - 1u)] - m - log(s);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let b = gid.x;
  if (b >= p.B) { return; }
  let T = p.T;
  let passSize = p.B * T * p.V;
  let start = descStart[b];
  let n = descLen[b];
  for (var t = 0u; t < T; t++) {
    if (t < start || t >= start + n) { dep[b * T + t] = 0.0; }
  }
  var sReal = 0.0;
  var sClip = 0.0;
  var sAlt: array<f32, MAX_K>;
  for (var j = 0u; j < MAX_K; j++) { sAlt[j] = 0.0; }
  for (var t = start; t < start + n; t++) {
    let row = b * T + t;
    let id = ids[row];
    let alt0 = 1u - p.hasReal;
    var lr = 0.0;
    if (p.hasReal == 1u) { lr = real[row]; } else { lr = log_softmax_at(row * p.V, id); }
    sReal += lr;
    var meanAlt = 0.0;
    for (var j = 0u; j < p.K; j++) {
      let la = log_softmax_at((j + alt0) * passSize + row * p.V, id);
      sAlt[j] += la;
      meanAlt += la / f32(p.K);
    }
    dep[row] = lr - meanAlt;
    sClip += clamp(lr - meanAlt, -p.clip, p.clip);
  }
  if (n == 0u) {
    mi[b] = 0.0;
    return;
  }
  var total = sClip;
  if (p.clip <= 0.0) {
    var m = -3.0e38;
    for (var j = 0u; j < p.K; j++) { m = max(m, sAlt[j]); }
    var s = 0.0;
    for (var j = 0u; j < p.K; j++) { s += exp(sAlt[j] - m); }
    total = sReal - (m + log(s) - log(f32(p.K)));
  }
  if (p.sum == 1u) { mi[b] = total; } else { mi[b] = total / f32(n); }
}
