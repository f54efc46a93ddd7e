// C[b] = alpha * op(A[b]) op(B[b]) (+ bias[n]) (+ C[b]).
// 64x64 output tile per workgroup of 16x16 threads, 4x4 outputs per thread,
// K in steps of 16 through workgroup memory. Transposes are specialisation
// constants, so each layout gets its own straight-line pipeline.

const BM = 64u;
const BN = 64u;
const BK = 16u;

var<workgroup> As: array<vec4<f32>, 256>; // [BK][BM/4]
var<workgroup> Bs: array<vec4<f32>, 256>; // [BK][BN/4]

fn loadA(base: u32, row: u32, k: u32) -> f32 {
  if (row >= p.M || k >= p.K) { return 0.0; }
  if (TRANS_A) { return A[base + k * p.M + row]; }
  return A[base + row * p.K + k];
}

fn loadB(base: u32, k: u32, col: u32) -> f32 {
  if (col >= p.N || k >= p.K) { return 0.0; }
  if (TRANS_B) { return B[base + col * p.K + k]; }
  return B[base + k * p.N + col];
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let tid = lid.y * 16u + lid.x;
  let row0 = wg.y * BM;
  let col0 = wg.x * BN;
  let baseA = wg.z * p.strideA;
  let baseB = wg.z * p.strideB;
  let baseC = wg.z * p.strideC;

  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);

  for (var k0 = 0u; k0 < p.K; k0 += BK) {
    // Each thread loads one vec4 of the A tile and one of the B tile.
    // A tile: 16 k-rows x 64 m-columns; thread -> (kk, 4 consecutive m).
    {
      let kk = tid / 16u;
      let m4 = (tid % 16u) * 4u;
      As[kk * 16u + tid % 16u] = vec4<f32>(
        loadA(baseA, row0 + m4, k0 + kk),
        loadA(baseA, row0 + m4 + 1u, k0 + kk),
        loadA(baseA, row0 + m4 + 2u, k0 + kk),
        loadA(baseA, row0 + m4 + 3u, k0 + kk));
      let n4 = (tid % 16u) * 4u;
      Bs[kk * 16u + tid % 16u] = vec4<f32>(
        loadB(baseB, k0 + kk, col0 + n4),
        loadB(baseB, k0 + kk, col0 + n4 + 1u),
        loadB(baseB, k0 + kk, col0 + n4 + 2u),
        loadB(baseB, k0 + kk, col0 + n4 + 3u));
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      let a = As[kk * 16u + lid.y];
      let b = Bs[kk * 16u + lid.x];
      acc0 += a.x * b;
      acc1 += a.y * b;
      acc2 += a.z * b;
      acc3 += a.w * b;
    }
    workgroupBarrier();
  }

  let r = row0 + lid.y * 4u;
  let c = col0 + lid.x * 4u;
  store(baseC, r, c, acc0);
  store(baseC, r + 1u, c, acc1);
  store(baseC, r + 2u, c, acc2);
  store(baseC, r + 3u, c, acc3);
}

fn store(baseC: u32, r: u32, c: u32, v: vec4<f32>) {
  if (r >= p.M) { return; }
  for (var j = 0u; j < 4u; j++) {
    let col = c + j;
    if (col < p.N) {
      var x = p.alpha * v[j];
      if (HAS_BIAS) { x += bias[col]; }
      let idx = baseC + r * p.N + col;
      if (ACCUMULATE) { x += C[idx]; }
      C[idx] = x;
    }
  }
}
