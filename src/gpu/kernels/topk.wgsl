// Top-k per group: keep[g*N + i] = 1 when fewer than k scores of the group rank
// before it (higher score, or equal score at a lower index). One thread per element.

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let e = gid.x;
  if (e >= p.G * p.N) { return; }
  let g = e / p.N;
  let i = e % p.N;
  let si = scores[e];
  var rank = 0u;
  for (var j = 0u; j < p.N; j++) {
    let sj = scores[g * p.N + j];
    if (sj > si || (sj == si && j < i)) { rank++; }
  }
  keep[e] = select(0u, 1u, rank < p.k);
}
