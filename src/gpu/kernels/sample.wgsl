// Seeded categorical sampling with temperature and top-p, one workgroup per row.
// The uniform for row b is rng_uniform(seed, stream, step, rowIds[b], positions[b])
// (rng.wgsl is prepended), the same stream as the TS side. The nucleus keeps
// every token whose strictly-more-probable mass (ties to the lower index) is
// below topP of the total; the draw walks kept tokens in index order.

struct Params { B: u32, V: u32, temperature: f32, topP: f32, seed: u32, stream: u32, step: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> rowIds: array<u32>;
@group(0) @binding(3) var<storage, read> positions: array<u32>;
@group(0) @binding(4) var<storage, read_write> outIds: array<u32>;

const WG = 64u;
const MAXV = 1024u;
var<workgroup> prob: array<f32, MAXV>;
var<workgroup> keep: array<u32, MAXV>;
var<workgroup> red: array<f32, 64>;
var<workgroup> redIdx: array<u32, 64>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b = wg.x;
  if (b >= p.B) { return; }
  let o = b * p.V;
  let V = min(p.V, MAXV);

  if (p.temperature <= 0.0) {
    // Greedy: argmax, lowest index on ties.
    var best = 0u;
    var bv = -3.4e38;
    for (var v = lid; v < V; v += WG) {
      let x = logits[o + v];
      if (x > bv) { bv = x; best = v; }
    }
    red[lid] = bv;
    redIdx[lid] = best;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
      if (lid < s) {
        let x = red[lid + s];
        let xi = redIdx[lid + s];
        if (x > red[lid] || (x == red[lid] && xi < redIdx[lid])) { red[lid] = x; redIdx[lid] = xi; }
      }
      workgroupBarrier();
    }
    if (lid == 0u) { outIds[b] = redIdx[0]; }
    return;
  }

  var m = -3.4e38;
  for (var v = lid; v < V; v += WG) { m = max(m, logits[o + v] / p.temperature); }
  red[lid] = m;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] = max(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  let mx = red[0];
  workgroupBarrier();
  var z = 0.0;
  for (var v = lid; v < V; v += WG) {
    let e = exp(logits[o + v] / p.temperature - mx);
    prob[v] = e;
    z += e;
  }
  red[lid] = z;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] += red[lid + s]; }
    workgroupBarrier();
  }
  let Z = red[0];
  workgroupBarrier();
  for (var v = lid; v < V; v += WG) {
    if (p.topP >= 1.0) {
      keep[v] = 1u;
    } else {
      let pv = prob[v];
      var above = 0.0;
      for (var w = 0u; w < V; w++) {
        let pw = prob[w];
        if (pw > pv || (pw == pv && w < v)) { above += pw; }
      }
      keep[v] = select(0u, 1u, above < p.topP * Z);
    }
  }
  workgroupBarrier();
  if (lid == 0u) {
    var zk = 0.0;
    for (var v = 0u; v < V; v++) { if (keep[v] == 1u) { zk += prob[v]; } }
    let goal = rng_uniform(p.seed, p.stream, p.step, rowIds[b], positions[b]) * zk;
    var cum = 0.0;
    var chosen = V;
    var last = 0u;
    for (var v = 0u; v < V; v++) {
      if (keep[v] == 1u) {
        cum += prob[v];
        last = v;
        if (chosen == V && cum > goal) { chosen = v; }
      }
    }
    if (chosen == V) { chosen = last; }
    outIds[b] = chosen;
  }
}
