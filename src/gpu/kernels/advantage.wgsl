// Decoupled advantages written per token. Rows are `prompts` groups of `perPrompt`. Perception:
// (R_perc - mean) / (std + eps) over the perPrompt rows of the group; answer: the same
// over the group's kept rows only (0 on dropped rows). std is unbiased; with
// NORMALIZE off only the mean is removed (Dr.GRPO). One thread per token; the
// first token of a row also writes the row's pair of advantages.

// (mean, 1 / (std + eps) or 1) of the group's rewards, over kept rows when onlyKept.
fn stats(g: u32, answer: bool) -> vec2<f32> {
  var n = 0.0;
  var s = 0.0;
  for (var i = 0u; i < p.perPrompt; i++) {
    let b = g * p.perPrompt + i;
    if (!answer) { s += rPerc[b]; n += 1.0; }
    else if (keep[b] == 1u) { s += rAns[b]; n += 1.0; }
  }
  if (n == 0.0) { return vec2<f32>(0.0, 0.0); }
  let mean = s / n;
  if (p.normalize == 0u) { return vec2<f32>(mean, 1.0); }
  var v = 0.0;
  for (var i = 0u; i < p.perPrompt; i++) {
    let b = g * p.perPrompt + i;
    if (!answer) { let d = rPerc[b] - mean; v += d * d; }
    else if (keep[b] == 1u) { let d = rAns[b] - mean; v += d * d; }
  }
  var sd = 0.0;
  if (n > 1.0) { sd = sqrt(v / (n - 1.0)); }
  // an all-equal group gives zero advantage even with eps = 0
  return vec2<f32>(mean, select(0.0, 1.0 / (sd + p.eps), sd + p.eps > 0.0));
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = flat_id(gid, nwg);
  if (e >= p.prompts * p.perPrompt * p.T) { return; }
  let b = e / p.T;
  let t = e % p.T;
  let g = b / p.perPrompt;
  let sp = stats(g, false);
  let aPerc = (rPerc[b] - sp.x) * sp.y;
  var aAns = 0.0;
  if (keep[b] == 1u) {
    let sa = stats(g, true);
    aAns = (rAns[b] - sa.x) * sa.y;
  }
  if (t == 0u) {
    rowAdv[2u * b] = aPerc;
    rowAdv[2u * b + 1u] = aAns;
  }
  let s = seg[e];
  var a = 0.0;
  if (s == 1u) { a = p.wPerc * aPerc; } else if (s == 2u) { a = p.wAns * aAns; }
  advTok[e] = a;
}
