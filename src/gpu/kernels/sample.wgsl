// Seeded categorical sampling with temperature and top-p, one thread per row
// (no workgroup memory, no barriers). The uniform for row b is
// rng_uniform(seed, stream, step, rowIds[b], positions[b]) (rng.wgsl is
// prepended), the same stream as the TS side.
// The nucleus is the most probable tokens (ties to the lower index) up to and
// including the one that brings their mass to topP of the total: exactly the
// tokens whose strictly-more-probable mass is below topP * Z. It is found by
// selecting tokens in rank order comparing logits (no exp per comparison);
// the draw then walks kept tokens in index order.

// The same reduction, in the same order, as mi_score.wgsl's log_softmax_at.
fn write_logp(b: u32, o: u32, id: u32) {
  if (p.wantLogp == 0u) { return; }
  var m = -3.0e38;
  for (var v = 0u; v < p.V; v++) { m = max(m, logits[o + v]); }
  var s = 0.0;
  for (var v = 0u; v < p.V; v++) { s += exp(logits[o + v] - m); }
  outLogp[b] = logits[o + id] - m - log(s);
}

// (l, i) ranks before (m, j): higher logit first, lower index on ties.
fn before(l: f32, i: u32, m: f32, j: u32) -> bool {
  return l > m || (l == m && i < j);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let b = gid.x;
  if (b >= p.B) { return; }
  let o = b * p.V;
  let V = p.V;

  var best = 0u;
  for (var v = 1u; v < V; v++) { if (logits[o + v] > logits[o + best]) { best = v; } }
  if (p.temperature <= 0.0) {
    outIds[b] = best;
    write_logp(b, o, best);
    return;
  }
  let invT = 1.0 / p.temperature;
  let mx = logits[o + best] * invT;
  var Z = 0.0;
  for (var v = 0u; v < V; v++) { Z += exp(logits[o + v] * invT - mx); }

  // The last kept token in rank order (lastL, last); all tokens when topP >= 1.
  var lastL = -3.4e38;
  var last = V;
  var Zk = Z;
  if (p.topP < 1.0) {
    var curL = 3.4e38;
    var cur = 0u;
    var first = true;
    var cum = 0.0;
    for (var r = 0u; r < V; r++) {
      // next token in rank order after (curL, cur)
      var nl = -3.4e38;
      var ni = V;
      for (var v = 0u; v < V; v++) {
        let l = logits[o + v];
        if ((first || before(curL, cur, l, v)) && (ni == V || before(l, v, nl, ni))) { nl = l; ni = v; }
      }
      if (ni == V) { break; }
      first = false;
      curL = nl;
      cur = ni;
      cum += exp(nl * invT - mx);
      lastL = nl;
      last = ni;
      if (cum >= p.topP * Z) { break; }
    }
    Zk = cum;
  }

  let goal = rng_uniform(p.seed, p.stream, p.step, rowIds[b], positions[b]) * Zk;
  var acc = 0.0;
  var chosen = V;
  var lastKept = best;
  for (var v = 0u; v < V; v++) {
    let l = logits[o + v];
    if (last == V || !before(lastL, last, l, v)) {
      acc += exp(l * invT - mx);
      lastKept = v;
      if (chosen == V && acc > goal) { chosen = v; }
    }
  }
  if (chosen == V) { chosen = lastKept; }
  outIds[b] = chosen;
  write_logp(b, o, chosen);
}
