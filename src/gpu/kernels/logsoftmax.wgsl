// Per-token log-probabilities: out[n] = sign * (logits[n, ids[n]] - logsumexp(logits[n])).
// sign = 1 gives log p (for MI scores and the policy ratio), sign = -1 the
// cross-entropy. Ids >= V mark rows without a target: 0 out, no gradient.

// One thread per row: V is small (the task vocabulary), rows are many.
@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = flat_id(gid, nwg);
  if (n >= p.N) { return; }
  let o = n * p.V;
  var mx = -3.0e38;
  var am = 0u;
  for (var v = 0u; v < p.V; v++) {
    let x = logits[o + v];
    if (x > mx) { mx = x; am = v; }
  }
  // Sum over all but the arg-max, so that log(sum) = log1p(rest) keeps its digits.
  var rest = 0.0;
  for (var v = 0u; v < p.V; v++) {
    if (v != am) { rest += exp(logits[o + v] - mx); }
  }
  let l1 = log1p(rest);
  lse[n] = mx + l1;
  let id = ids[n];
  // (x - mx) - l1, not x - lse: a confident target's log p is ~ -rest, far below lse's ulp.
  out[n] = select(0.0, p.sign * ((logits[o + min(id, p.V - 1u)] - mx) - l1), id < p.V);
}

// log(1 + s) for s >= 0. In f32, 1 + s rounds away most of a small s: at s = 1.5e-5,
// log(1 + s) is 2% off. Below 1e-2 a 4-term series is exact to ~s^5/5.
fn log1p(s: f32) -> f32 {
  if (s < 1e-2) { return s * (1.0 - s * (0.5 - s * (1.0 / 3.0 - s * 0.25))); }
  return log(1.0 + s);
}

// dlogits[n, v] += sign * dout[n] * (onehot - softmax), one thread per element.
@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = flat_id(gid, nwg);
  if (idx >= p.N * p.V) { return; }
  let n = idx / p.V;
  let v = idx % p.V;
  let id = ids[n];
  if (id >= p.V) { return; }
  let prob = exp(logits[idx] - lse[n]);
  let hot = select(0.0, 1.0, v == id);
  dlogits[idx] += p.sign * dout[n] * (hot - prob);
}

// out[n] = entropy (nats) of softmax(logits[n]), one thread per row.
@compute @workgroup_size(WG)
fn entropy(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = flat_id(gid, nwg);
  if (n >= p.N) { return; }
  let o = n * p.V;
  var mx = -3.0e38;
  for (var v = 0u; v < p.V; v++) { mx = max(mx, logits[o + v]); }
  var z = 0.0;
  var s = 0.0;
  for (var v = 0u; v < p.V; v++) {
    let x = logits[o + v] - mx;
    let e = exp(x);
    z += e;
    s += e * x;
  }
  out[n] = log(z) - s / z;
}
