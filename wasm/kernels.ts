// WebAssembly SIMD128 kernels for the `wasm` backend, in AssemblyScript (compiled by
// scripts/build-wasm.mjs at install, test and build time; the .wasm is never committed).
// Memory is laid out by the caller (src/backend/wasm/wasmBackend.ts): every pointer is
// a byte offset into this module's memory. Each output element sums over k in
// ascending order with a separate multiply and add, whatever the tile it falls in,
// so a result never depends on the shape of the blocking.

/** Where the caller may start placing data. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/** Grows the memory to at least `bytes`; returns false when the browser refuses. */
export function ensure(bytes: usize): bool {
  const have = (<usize>memory.size()) << 16;
  if (bytes <= have) return true;
  const pages = <i32>((bytes - have + 0xffff) >> 16);
  return memory.grow(pages) >= 0;
}

// op(A) as M rows of K (row-major), from A stored K x M (transA).
function packATrans(pa: usize, a: usize, M: i32, K: i32): void {
  for (let k = 0; k < K; k++) {
    for (let m = 0; m < M; m++)
      store<f32>(pa + ((<usize>(m * K + k)) << 2), load<f32>(a + ((<usize>(k * M + m)) << 2)));
  }
}

// rows 0..3 of `a` (rowBytes apart) interleaved: pa4[4k + r] = a[r, k]
function packA4(pa4: usize, a: usize, K: i32, rowBytes: usize): void {
  for (let k = 0; k < K; k++) {
    const src = a + ((<usize>k) << 2);
    const dst = pa4 + ((<usize>k) << 4);
    store<f32>(dst, load<f32>(src));
    store<f32>(dst, load<f32>(src + rowBytes), 4);
    store<f32>(dst, load<f32>(src + 2 * rowBytes), 8);
    store<f32>(dst, load<f32>(src + 3 * rowBytes), 12);
  }
}

// op(B) in panels of 8 columns: panel p holds, for each k, columns 8p..8p+7 (zero past N).
function packB(pb: usize, b: usize, N: i32, K: i32, transB: bool): void {
  const panels = (N + 7) >> 3;
  for (let p = 0; p < panels; p++) {
    const base = pb + ((<usize>(p * K)) << 5);
    for (let k = 0; k < K; k++) {
      const row = base + ((<usize>k) << 5);
      for (let j = 0; j < 8; j++) {
        const n = (p << 3) + j;
        let v: f32 = 0;
        if (n < N) v = transB ? load<f32>(b + ((<usize>(n * K + k)) << 2)) : load<f32>(b + ((<usize>(k * N + n)) << 2));
        store<f32>(row + ((<usize>j) << 2), v);
      }
    }
  }
}

// out[m, n0..n0+7] from the 8 sums in `acc` (scratch), with alpha, bias and accumulate; only the columns below N.
function epilogue(c: usize, bias: usize, acc: usize, m: i32, n0: i32, N: i32, alpha: f32, accumulate: bool): void {
  const lim = min(8, N - n0);
  for (let j = 0; j < lim; j++) {
    const n = n0 + j;
    let v = alpha * load<f32>(acc + ((<usize>j) << 2));
    if (bias) v += load<f32>(bias + ((<usize>n) << 2));
    const o = c + ((<usize>(m * N + n)) << 2);
    if (accumulate) v += load<f32>(o);
    store<f32>(o, v);
  }
}

/**
 * c = alpha * op(a) op(b) (+ bias) (+ c), one batch entry. `pa`: scratch of M*K floats
 * (used when transA), `pb`: scratch of ceil(N/8)*8*K + 4K floats (B's panels, then four rows of A), `acc`: 32 floats. A 4 x 8
 * register tile (8 accumulators) over B packed in 8-column panels.
 */
export function matmul(
  c: usize,
  a: usize,
  b: usize,
  bias: usize,
  M: i32,
  N: i32,
  K: i32,
  transA: bool,
  transB: bool,
  alpha: f32,
  accumulate: bool,
  pa: usize,
  pb: usize,
  acc: usize,
): void {
  if (transA) packATrans(pa, a, M, K);
  const A = transA ? pa : a;
  packB(pb, b, N, K, transB);
  const panels = (N + 7) >> 3;
  const rowBytes = (<usize>K) << 2;
  // four rows of A interleaved (k-major) after the packed B, so one pointer walks them
  const pa4 = pb + ((<usize>(panels * K)) << 5);
  let m = 0;
  for (; m + 4 <= M; m += 4) {
    packA4(pa4, A + <usize>m * rowBytes, K, rowBytes);
    for (let p = 0; p < panels; p++) {
      let bp = pb + ((<usize>(p * K)) << 5);
      let ap = pa4;
      let c00 = f32x4.splat(0);
      let c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0);
      let c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0);
      let c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0);
      let c31 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        let x = v128.load32_splat(ap);
        c00 = f32x4.add(c00, f32x4.mul(x, b0));
        c01 = f32x4.add(c01, f32x4.mul(x, b1));
        x = v128.load32_splat(ap, 4);
        c10 = f32x4.add(c10, f32x4.mul(x, b0));
        c11 = f32x4.add(c11, f32x4.mul(x, b1));
        x = v128.load32_splat(ap, 8);
        c20 = f32x4.add(c20, f32x4.mul(x, b0));
        c21 = f32x4.add(c21, f32x4.mul(x, b1));
        x = v128.load32_splat(ap, 12);
        c30 = f32x4.add(c30, f32x4.mul(x, b0));
        c31 = f32x4.add(c31, f32x4.mul(x, b1));
        bp += 32;
        ap += 16;
      }
      const n0 = p << 3;
      v128.store(acc, c00);
      v128.store(acc, c01, 16);
      epilogue(c, bias, acc, m, n0, N, alpha, accumulate);
      v128.store(acc, c10);
      v128.store(acc, c11, 16);
      epilogue(c, bias, acc, m + 1, n0, N, alpha, accumulate);
      v128.store(acc, c20);
      v128.store(acc, c21, 16);
      epilogue(c, bias, acc, m + 2, n0, N, alpha, accumulate);
      v128.store(acc, c30);
      v128.store(acc, c31, 16);
      epilogue(c, bias, acc, m + 3, n0, N, alpha, accumulate);
    }
  }
  // the last rows, one at a time, in the same order of sums
  for (; m < M; m++) {
    const a0 = A + <usize>m * rowBytes;
    for (let p = 0; p < panels; p++) {
      let bp = pb + ((<usize>(p * K)) << 5);
      let c00 = f32x4.splat(0);
      let c01 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const x0 = f32x4.splat(load<f32>(a0 + ((<usize>k) << 2)));
        c00 = f32x4.add(c00, f32x4.mul(x0, v128.load(bp)));
        c01 = f32x4.add(c01, f32x4.mul(x0, v128.load(bp, 16)));
        bp += 32;
      }
      v128.store(acc, c00);
      v128.store(acc, c01, 16);
      epilogue(c, bias, acc, m, p << 3, N, alpha, accumulate);
    }
  }
}

// ---- attention: heads of hs floats, hs a multiple of 4 (the caller checks) ----

// sum over d of x[d] * y[d], four lanes at a time, the lanes added in a fixed order
function dot(x: usize, y: usize, hs: i32): f32 {
  let s = f32x4.splat(0);
  for (let d = 0; d < hs; d += 4)
    s = f32x4.add(s, f32x4.mul(v128.load(x + ((<usize>d) << 2)), v128.load(y + ((<usize>d) << 2))));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

// y[d] += a * x[d]
function axpy(y: usize, a: f32, x: usize, hs: i32): void {
  const av = f32x4.splat(a);
  for (let d = 0; d < hs; d += 4) {
    const o = (<usize>d) << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(av, v128.load(x + o))));
  }
}

// x (T rows of hs floats at `stride` floats apart) transposed into t [hs][T4], zero past T:
// then four keys' dot products run as four lanes, with no sum across lanes per key.
function transposeHead(t: usize, x: usize, T: i32, T4: i32, hs: i32, stride: i32): void {
  for (let j = 0; j < T; j++) {
    const src = x + ((<usize>(j * stride)) << 2);
    for (let d = 0; d < hs; d++) store<f32>(t + ((<usize>(d * T4 + j)) << 2), load<f32>(src + ((<usize>d) << 2)));
  }
  for (let j = T; j < T4; j++) for (let d = 0; d < hs; d++) store<f32>(t + ((<usize>(d * T4 + j)) << 2), 0);
}

// dot(q, key j) for keys j0..j0+3 of a transposed head `t` [hs][T4], as four lanes. The sums run
// exactly as dot() runs them (lane l of d = l, l+4, ..., then lanes 0+1+2+3), so the bits agree.
function dot4(q: usize, t: usize, j0: i32, T4: i32, hs: i32): v128 {
  let p0 = f32x4.splat(0);
  let p1 = f32x4.splat(0);
  let p2 = f32x4.splat(0);
  let p3 = f32x4.splat(0);
  const rowBytes = (<usize>T4) << 2;
  let kt = t + ((<usize>j0) << 2);
  for (let d = 0; d < hs; d += 4) {
    const qd = q + ((<usize>d) << 2);
    p0 = f32x4.add(p0, f32x4.mul(f32x4.splat(load<f32>(qd)), v128.load(kt)));
    p1 = f32x4.add(p1, f32x4.mul(f32x4.splat(load<f32>(qd, 4)), v128.load(kt + rowBytes)));
    p2 = f32x4.add(p2, f32x4.mul(f32x4.splat(load<f32>(qd, 8)), v128.load(kt + 2 * rowBytes)));
    p3 = f32x4.add(p3, f32x4.mul(f32x4.splat(load<f32>(qd, 12)), v128.load(kt + 3 * rowBytes)));
    kt += rowBytes << 2;
  }
  return f32x4.add(f32x4.add(f32x4.add(p0, p1), p2), p3);
}

// o[d] = sum over j < n of w[j] * x_j[d] (x_j: rows `stride` floats apart), summed in order of j
// from zero as axpy() sums, four floats of d at a time in registers.
function weightedRows(o: usize, w: usize, x: usize, n: i32, stride: i32, hs: i32): void {
  const sb = (<usize>stride) << 2;
  if (hs == 16) {
    // TinyVLM's head size: the whole head in four registers, each weight loaded once
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0);
    let xp = x;
    for (let j = 0; j < n; j++) {
      const wj = v128.load32_splat(w + ((<usize>j) << 2));
      a0 = f32x4.add(a0, f32x4.mul(wj, v128.load(xp)));
      a1 = f32x4.add(a1, f32x4.mul(wj, v128.load(xp, 16)));
      a2 = f32x4.add(a2, f32x4.mul(wj, v128.load(xp, 32)));
      a3 = f32x4.add(a3, f32x4.mul(wj, v128.load(xp, 48)));
      xp += sb;
    }
    v128.store(o, a0);
    v128.store(o, a1, 16);
    v128.store(o, a2, 32);
    v128.store(o, a3, 48);
    return;
  }
  for (let d = 0; d < hs; d += 4) {
    let acc = f32x4.splat(0);
    let xp = x + ((<usize>d) << 2);
    for (let j = 0; j < n; j++) {
      acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(w + ((<usize>j) << 2))), v128.load(xp)));
      xp += sb;
    }
    v128.store(o + ((<usize>d) << 2), acc);
  }
}

// row[j] = dot(q, key j) * scale for j < lim, from the transposed head; returns their maximum.
function scoreRow(row: usize, q: usize, t: usize, lim: i32, T4: i32, hs: i32, scale: f32): f32 {
  let mx: f32 = -Infinity;
  for (let j0 = 0; j0 < lim; j0 += 4) {
    const s = f32x4.mul(dot4(q, t, j0, T4, hs), f32x4.splat(scale));
    if (j0 + 4 <= lim) {
      v128.store(row + ((<usize>j0) << 2), s);
      mx = max(
        mx,
        max(
          max(f32x4.extract_lane(s, 0), f32x4.extract_lane(s, 1)),
          max(f32x4.extract_lane(s, 2), f32x4.extract_lane(s, 3)),
        ),
      );
    } else {
      // the last keys one by one: a row owns only its lim floats
      for (let l = 0; l < lim - j0; l++) {
        const v = l == 0 ? f32x4.extract_lane(s, 0) : l == 1 ? f32x4.extract_lane(s, 1) : f32x4.extract_lane(s, 2);
        store<f32>(row + ((<usize>(j0 + l)) << 2), v);
        mx = max(mx, v);
      }
    }
  }
  return mx;
}

// row[j] = exp(row[j] - mx) for j < n, four at a time; returns their sum, added in order of j
function expRow(row: usize, n: i32, mx: f32): f32 {
  let sum: f32 = 0;
  let j = 0;
  const m = f32x4.splat(mx);
  for (; j + 4 <= n; j += 4) {
    const p = row + ((<usize>j) << 2);
    const e = expv(f32x4.sub(v128.load(p), m));
    v128.store(p, e);
    sum += f32x4.extract_lane(e, 0);
    sum += f32x4.extract_lane(e, 1);
    sum += f32x4.extract_lane(e, 2);
    sum += f32x4.extract_lane(e, 3);
  }
  for (; j < n; j++) {
    const p = row + ((<usize>j) << 2);
    const e = Mathf.exp(load<f32>(p) - mx);
    store<f32>(p, e);
    sum += e;
  }
  return sum;
}

/**
 * Prefix-LM attention forward: the prompt (the first prefix[b] positions) attends both
 * ways, generated tokens causally, so position i attends to j < max(prefix, i + 1).
 * out [B, T, C], att [B, nHead, T, T] (zero where masked), qkv [B, T, 3C], prefix u32 [B];
 * `kt`: scratch of hs * T4 floats (T4 = T rounded up to 4).
 */
export function attention(
  out: usize,
  att: usize,
  qkv: usize,
  prefix: usize,
  B: i32,
  T: i32,
  C: i32,
  nHead: i32,
  kt: usize,
): void {
  const hs = C / nHead;
  const scale = <f32>(1 / Math.sqrt(<f64>hs));
  const C3 = 3 * C;
  const T4 = (T + 3) & ~3;
  for (let b = 0; b < B; b++) {
    const pre = <i32>load<u32>(prefix + ((<usize>b) << 2));
    for (let h = 0; h < nHead; h++) {
      transposeHead(kt, qkv + ((<usize>(b * T * C3 + C + h * hs)) << 2), T, T4, hs, C3);
      for (let i = 0; i < T; i++) {
        const q = qkv + ((<usize>((b * T + i) * C3 + h * hs)) << 2);
        const row = att + ((<usize>(((b * nHead + h) * T + i) * T)) << 2);
        const lim = min(T, max(pre, i + 1));
        const mx = scoreRow(row, q, kt, lim, T4, hs, scale);
        const inv: f32 = 1 / expRow(row, lim, mx);
        for (let j = 0; j < lim; j++) {
          const p = row + ((<usize>j) << 2);
          store<f32>(p, load<f32>(p) * inv);
        }
        for (let j = lim; j < T; j++) store<f32>(row + ((<usize>j) << 2), 0);
        weightedRows(
          out + ((<usize>((b * T + i) * C + h * hs)) << 2),
          row,
          qkv + ((<usize>(b * T * C3 + 2 * C + h * hs)) << 2),
          lim,
          C3,
          hs,
        );
      }
    }
  }
}

/** Accumulates dqkv from dout through attention's softmax; `datt`: scratch of T4 floats, `vt`: of hs * T4 (T4 = T rounded up to 4). */
export function attentionBackward(
  dqkv: usize,
  dout: usize,
  att: usize,
  qkv: usize,
  B: i32,
  T: i32,
  C: i32,
  nHead: i32,
  datt: usize,
  vt: usize,
): void {
  const hs = C / nHead;
  const scale = <f32>(1 / Math.sqrt(<f64>hs));
  const C3 = 3 * C;
  const T4 = (T + 3) & ~3;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < nHead; h++) {
      transposeHead(vt, qkv + ((<usize>(b * T * C3 + 2 * C + h * hs)) << 2), T, T4, hs, C3);
      for (let i = 0; i < T; i++) {
        const row = att + ((<usize>(((b * nHead + h) * T + i) * T)) << 2);
        const g = dout + ((<usize>((b * T + i) * C + h * hs)) << 2);
        // datt[j] = dot(g, v_j), four keys at a time (datt has T4 floats)
        for (let j0 = 0; j0 < T; j0 += 4) v128.store(datt + ((<usize>j0) << 2), dot4(g, vt, j0, T4, hs));
        // att is zero from lim on (the mask): those keys add nothing below
        let lim = T;
        while (lim > 0 && load<f32>(row + ((<usize>(lim - 1)) << 2)) == 0) lim--;
        let s2: f32 = 0;
        for (let j = 0; j < lim; j++) {
          const vo = (<usize>((b * T + j) * C3 + 2 * C + h * hs)) << 2;
          const a = load<f32>(row + ((<usize>j) << 2));
          axpy(dqkv + vo, a, g, hs);
          s2 += a * load<f32>(datt + ((<usize>j) << 2));
        }
        const qo = (<usize>((b * T + i) * C3 + h * hs)) << 2;
        const kb = qkv + ((<usize>(b * T * C3 + C + h * hs)) << 2);
        const dkb = dqkv + ((<usize>(b * T * C3 + C + h * hs)) << 2);
        const rowBytes = (<usize>C3) << 2;
        if (hs == 16) {
          // dq in four registers; dk_j += dp * scale * q as it goes
          const q = qkv + qo;
          const dq = dqkv + qo;
          const q0 = v128.load(q);
          const q1 = v128.load(q, 16);
          const q2 = v128.load(q, 32);
          const q3 = v128.load(q, 48);
          let g0 = v128.load(dq);
          let g1 = v128.load(dq, 16);
          let g2 = v128.load(dq, 32);
          let g3 = v128.load(dq, 48);
          for (let j = 0; j < lim; j++) {
            const dp = load<f32>(row + ((<usize>j) << 2)) * (load<f32>(datt + ((<usize>j) << 2)) - s2);
            if (dp == 0) continue;
            const w = f32x4.splat(dp * scale);
            const k = kb + <usize>j * rowBytes;
            const dk = dkb + <usize>j * rowBytes;
            g0 = f32x4.add(g0, f32x4.mul(w, v128.load(k)));
            g1 = f32x4.add(g1, f32x4.mul(w, v128.load(k, 16)));
            g2 = f32x4.add(g2, f32x4.mul(w, v128.load(k, 32)));
            g3 = f32x4.add(g3, f32x4.mul(w, v128.load(k, 48)));
            v128.store(dk, f32x4.add(v128.load(dk), f32x4.mul(w, q0)));
            v128.store(dk, f32x4.add(v128.load(dk, 16), f32x4.mul(w, q1)), 16);
            v128.store(dk, f32x4.add(v128.load(dk, 32), f32x4.mul(w, q2)), 32);
            v128.store(dk, f32x4.add(v128.load(dk, 48), f32x4.mul(w, q3)), 48);
          }
          v128.store(dq, g0);
          v128.store(dq, g1, 16);
          v128.store(dq, g2, 32);
          v128.store(dq, g3, 48);
          continue;
        }
        // any head size: dk_j += dp * scale * q, then dq += dp * scale * k_j four floats at a time in registers
        for (let j = 0; j < lim; j++) {
          const dp = load<f32>(row + ((<usize>j) << 2)) * (load<f32>(datt + ((<usize>j) << 2)) - s2);
          store<f32>(datt + ((<usize>j) << 2), dp);
          if (dp == 0) continue;
          axpy(dkb + <usize>j * rowBytes, dp * scale, qkv + qo, hs);
        }
        for (let d = 0; d < hs; d += 4) {
          const dq = dqkv + qo + ((<usize>d) << 2);
          let acc = v128.load(dq);
          for (let j = 0; j < lim; j++) {
            const dp = load<f32>(datt + ((<usize>j) << 2));
            if (dp == 0) continue;
            acc = f32x4.add(
              acc,
              f32x4.mul(f32x4.splat(dp * scale), v128.load(kb + <usize>j * rowBytes + ((<usize>d) << 2))),
            );
          }
          v128.store(dq, acc);
        }
      }
    }
  }
}

// four vectors' lanes summed as dot() sums them, one sum per lane: ((l0 + l1) + l2) + l3 of x, y, z, w
function laneSums(x: v128, y: v128, z: v128, w: v128): v128 {
  // 4 x 4 transpose: lane l of result r holds lane r of input l
  const xy0 = v128.shuffle<f32>(x, y, 0, 4, 1, 5); // x0 y0 x1 y1
  const zw0 = v128.shuffle<f32>(z, w, 0, 4, 1, 5); // z0 w0 z1 w1
  const xy1 = v128.shuffle<f32>(x, y, 2, 6, 3, 7); // x2 y2 x3 y3
  const zw1 = v128.shuffle<f32>(z, w, 2, 6, 3, 7); // z2 w2 z3 w3
  const t0 = v128.shuffle<f32>(xy0, zw0, 0, 1, 4, 5); // x0 y0 z0 w0
  const t1 = v128.shuffle<f32>(xy0, zw0, 2, 3, 6, 7); // x1 y1 z1 w1
  const t2 = v128.shuffle<f32>(xy1, zw1, 0, 1, 4, 5);
  const t3 = v128.shuffle<f32>(xy1, zw1, 2, 3, 6, 7);
  return f32x4.add(f32x4.add(f32x4.add(t0, t1), t2), t3);
}

// the lane-wise partial sums of dot(q, x) before the lanes are added
function dotLanes(q: usize, x: usize, hs: i32): v128 {
  let s = f32x4.splat(0);
  for (let d = 0; d < hs; d += 4)
    s = f32x4.add(s, f32x4.mul(v128.load(q + ((<usize>d) << 2)), v128.load(x + ((<usize>d) << 2))));
  return s;
}

/** One new token per row against its KV cache: out [B, C], qkv [B, 3C], caches [B, Tmax, C], len u32 [B]; `sc`: scratch of Tmax floats. */
export function attentionDecode(
  out: usize,
  qkv: usize,
  kCache: usize,
  vCache: usize,
  len: usize,
  B: i32,
  Tmax: i32,
  C: i32,
  nHead: i32,
  sc: usize,
): void {
  const hs = C / nHead;
  const scale = <f32>(1 / Math.sqrt(<f64>hs));
  for (let b = 0; b < B; b++) {
    const L = min(<i32>load<u32>(len + ((<usize>b) << 2)), Tmax);
    for (let h = 0; h < nHead; h++) {
      const q = qkv + ((<usize>(b * 3 * C + h * hs)) << 2);
      const k0 = kCache + ((<usize>(b * Tmax * C + h * hs)) << 2);
      const rowBytes = (<usize>C) << 2;
      let mx: f32 = -Infinity;
      let j = 0;
      for (; j + 4 <= L; j += 4) {
        const kj = k0 + <usize>j * rowBytes;
        const s = f32x4.mul(
          laneSums(
            dotLanes(q, kj, hs),
            dotLanes(q, kj + rowBytes, hs),
            dotLanes(q, kj + 2 * rowBytes, hs),
            dotLanes(q, kj + 3 * rowBytes, hs),
          ),
          f32x4.splat(scale),
        );
        v128.store(sc + ((<usize>j) << 2), s);
        mx = max(
          mx,
          max(
            max(f32x4.extract_lane(s, 0), f32x4.extract_lane(s, 1)),
            max(f32x4.extract_lane(s, 2), f32x4.extract_lane(s, 3)),
          ),
        );
      }
      for (; j < L; j++) {
        const s = dot(q, k0 + <usize>j * rowBytes, hs) * scale;
        store<f32>(sc + ((<usize>j) << 2), s);
        mx = max(mx, s);
      }
      const sum = expRow(sc, L, mx);
      const o = out + ((<usize>(b * C + h * hs)) << 2);
      weightedRows(o, sc, vCache + ((<usize>(b * Tmax * C + h * hs)) << 2), L, C, hs);
      if (L > 0) {
        const inv: f32 = 1 / sum;
        for (let d = 0; d < hs; d++) {
          const p = o + ((<usize>d) << 2);
          store<f32>(p, load<f32>(p) * inv);
        }
      }
    }
  }
}

// ---- GELU (tanh form, as the reference): x * sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3) ----

// e^x, four lanes: x = n ln2 + r with |r| <= ln2 / 2, e^r by its degree-6 Taylor polynomial
// (relative error about 2e-7), 2^n built in the exponent bits; x clamped to f32's range.
function expv(x: v128): v128 {
  // pmin/pmax are single instructions, and agree with min/max here: the bounds are not zero and a NaN stays NaN
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.3)), f32x4.splat(88.7));
  // n = x log2(e) rounded to the nearest integer, ties to even, as f32x4.nearest rounds: adding 1.5 * 2^23 rounds
  // it in the addition (|n| <= 128), and the integer is then in the low bits
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(1.442695041)), f32x4.splat(12582912.0));
  const n = f32x4.sub(t, f32x4.splat(12582912.0));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693145752)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(1.428606765e-6)));
  let p = f32x4.splat(1.0 / 720);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1));
  // n in [-126, 128]: 2^n as (n + 127) << 23, split in two factors so that n = 128 does not overflow the exponent
  const ni = i32x4.sub(t, f32x4.splat(12582912.0));
  const half = i32x4.shr_s(ni, 1);
  const s1 = i32x4.shl(i32x4.add(half, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(ni, half), i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

// sigmoid(2u) of four x
function geluGate(x: v128): v128 {
  const u = f32x4.mul(
    f32x4.splat(0.7978845608),
    f32x4.add(x, f32x4.mul(f32x4.splat(0.044715), f32x4.mul(x, f32x4.mul(x, x)))),
  );
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), expv(f32x4.mul(f32x4.splat(-2), u))));
}

/** out = gelu(x) over n floats (the tail past a multiple of 4 in the same lanes: a tensor owns whole 64-byte blocks). */
export function gelu(out: usize, x: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const o = (<usize>i) << 2;
    const v = v128.load(x + o);
    v128.store(out + o, f32x4.mul(v, geluGate(v)));
  }
}

/** dx += gelu'(x) * dout; with s = sigmoid(2u), gelu' = s + 2x s (1 - s) du/dx. */
export function geluBackward(dx: usize, x: usize, dout: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const o = (<usize>i) << 2;
    const v = v128.load(x + o);
    const s = geluGate(v);
    const du = f32x4.mul(
      f32x4.splat(0.7978845608),
      f32x4.add(f32x4.splat(1), f32x4.mul(f32x4.splat(3 * 0.044715), f32x4.mul(v, v))),
    );
    const g = f32x4.add(
      s,
      f32x4.mul(f32x4.mul(f32x4.mul(f32x4.splat(2), v), f32x4.mul(s, f32x4.sub(f32x4.splat(1), s))), du),
    );
    v128.store(dx + o, f32x4.add(v128.load(dx + o), f32x4.mul(g, v128.load(dout + o))));
  }
}

// ---- bias and layer norm: four columns at a time, the columns past a multiple of 4 one by one ----

// x[i] at byte offset (i << 2) from `base`
function at(base: usize, i: i32): usize {
  return base + ((<usize>i) << 2);
}

/** dbias[n] += sum over m of dout[m, n]; dout [M, N]. */
export function biasBackward(dbias: usize, dout: usize, M: i32, N: i32): void {
  let n = 0;
  for (; n + 4 <= N; n += 4) {
    let s = f32x4.splat(0);
    for (let m = 0; m < M; m++) s = f32x4.add(s, v128.load(at(dout, m * N + n)));
    v128.store(at(dbias, n), f32x4.add(v128.load(at(dbias, n)), s));
  }
  for (; n < N; n++) {
    let s: f32 = 0;
    for (let m = 0; m < M; m++) s += load<f32>(at(dout, m * N + n));
    store<f32>(at(dbias, n), load<f32>(at(dbias, n)) + s);
  }
}

function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** out = (x - mean) * rstd * w + b per row of C; mean and rstd [rows] kept for the backward. */
export function layerNorm(
  out: usize,
  mean: usize,
  rstd: usize,
  x: usize,
  w: usize,
  b: usize,
  rows: i32,
  C: i32,
  eps: f32,
): void {
  const C4 = C & ~3;
  for (let r = 0; r < rows; r++) {
    const xr = at(x, r * C);
    const or = at(out, r * C);
    let sv = f32x4.splat(0);
    for (let c = 0; c < C4; c += 4) sv = f32x4.add(sv, v128.load(at(xr, c)));
    let s = hsum(sv);
    for (let c = C4; c < C; c++) s += load<f32>(at(xr, c));
    const m = s / <f32>C;
    const mv = f32x4.splat(m);
    let qv = f32x4.splat(0);
    for (let c = 0; c < C4; c += 4) {
      const dv = f32x4.sub(v128.load(at(xr, c)), mv);
      qv = f32x4.add(qv, f32x4.mul(dv, dv));
    }
    let q = hsum(qv);
    for (let c = C4; c < C; c++) {
      const dx = load<f32>(at(xr, c)) - m;
      q += dx * dx;
    }
    const rs = <f32>1 / Mathf.sqrt(q / <f32>C + eps);
    const rv = f32x4.splat(rs);
    for (let c = 0; c < C4; c += 4) {
      const nv = f32x4.mul(f32x4.sub(v128.load(at(xr, c)), mv), rv);
      v128.store(at(or, c), f32x4.add(f32x4.mul(nv, v128.load(at(w, c))), v128.load(at(b, c))));
    }
    for (let c = C4; c < C; c++)
      store<f32>(at(or, c), (load<f32>(at(xr, c)) - m) * rs * load<f32>(at(w, c)) + load<f32>(at(b, c)));
    store<f32>(at(mean, r), m);
    store<f32>(at(rstd, r), rs);
  }
}

/** Accumulates dx, dw and db through layerNorm. */
export function layerNormBackward(
  dx: usize,
  dw: usize,
  db: usize,
  dout: usize,
  x: usize,
  mean: usize,
  rstd: usize,
  w: usize,
  rows: i32,
  C: i32,
): void {
  const C4 = C & ~3;
  for (let r = 0; r < rows; r++) {
    const xr = at(x, r * C);
    const gr = at(dout, r * C);
    const dr = at(dx, r * C);
    const m = load<f32>(at(mean, r));
    const rs = load<f32>(at(rstd, r));
    const mv = f32x4.splat(m);
    const rv = f32x4.splat(rs);
    let av = f32x4.splat(0);
    let bv = f32x4.splat(0);
    for (let c = 0; c < C4; c += 4) {
      const nv = f32x4.mul(f32x4.sub(v128.load(at(xr, c)), mv), rv);
      const dn = f32x4.mul(v128.load(at(w, c)), v128.load(at(gr, c)));
      av = f32x4.add(av, dn);
      bv = f32x4.add(bv, f32x4.mul(dn, nv));
    }
    let dnMean = hsum(av);
    let dnNormMean = hsum(bv);
    for (let c = C4; c < C; c++) {
      const nrm = (load<f32>(at(xr, c)) - m) * rs;
      const dn = load<f32>(at(w, c)) * load<f32>(at(gr, c));
      dnMean += dn;
      dnNormMean += dn * nrm;
    }
    dnMean /= <f32>C;
    dnNormMean /= <f32>C;
    const amv = f32x4.splat(dnMean);
    const bmv = f32x4.splat(dnNormMean);
    for (let c = 0; c < C4; c += 4) {
      const g = v128.load(at(gr, c));
      const nv = f32x4.mul(f32x4.sub(v128.load(at(xr, c)), mv), rv);
      const dn = f32x4.mul(v128.load(at(w, c)), g);
      v128.store(at(dw, c), f32x4.add(v128.load(at(dw, c)), f32x4.mul(nv, g)));
      v128.store(at(db, c), f32x4.add(v128.load(at(db, c)), g));
      const dv = f32x4.mul(f32x4.sub(f32x4.sub(dn, amv), f32x4.mul(nv, bmv)), rv);
      v128.store(at(dr, c), f32x4.add(v128.load(at(dr, c)), dv));
    }
    for (let c = C4; c < C; c++) {
      const g = load<f32>(at(gr, c));
      const nrm = (load<f32>(at(xr, c)) - m) * rs;
      const dn = load<f32>(at(w, c)) * g;
      store<f32>(at(dw, c), load<f32>(at(dw, c)) + nrm * g);
      store<f32>(at(db, c), load<f32>(at(db, c)) + g);
      store<f32>(at(dr, c), load<f32>(at(dr, c)) + (dn - dnMean - nrm * dnNormMean) * rs);
    }
  }
}

// ---- log-softmax gather, cross-entropy and entropy over rows of V logits ----

// the largest of a row (NaN if any is NaN, as Math.max)
function rowMax(x: usize, V: i32): f32 {
  let m = f32x4.splat(-Infinity);
  let v = 0;
  for (; v + 4 <= V; v += 4) m = f32x4.max(m, v128.load(x + ((<usize>v) << 2)));
  let r = max(
    max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)),
    max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)),
  );
  for (; v < V; v++) r = max(r, load<f32>(x + ((<usize>v) << 2)));
  return r;
}

// sum of exp(x[v] - m) over a row, less the 1 of one maximum, so that log1p keeps a confident
// row's log-probability (about -1e-7) that log(1 + tiny) would round to 0
function rowExpRest(x: usize, V: i32, m: f32): f32 {
  const mv = f32x4.splat(m);
  let s = f32x4.splat(0);
  let c = i32x4.splat(0);
  let v = 0;
  for (; v + 4 <= V; v += 4) {
    const xv = v128.load(x + ((<usize>v) << 2));
    const top = f32x4.eq(xv, mv);
    s = f32x4.add(s, v128.andnot(expv(f32x4.sub(xv, mv)), top));
    c = i32x4.sub(c, top);
  }
  let r = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
  let tops = i32x4.extract_lane(c, 0) + i32x4.extract_lane(c, 1) + i32x4.extract_lane(c, 2) + i32x4.extract_lane(c, 3);
  for (; v < V; v++) {
    const xv = load<f32>(x + ((<usize>v) << 2));
    if (xv == m) tops++;
    else r += Mathf.exp(xv - m);
  }
  // ties at the maximum each add their 1; with a NaN there is no maximum and the row stays NaN
  return r + <f32>(tops - 1);
}

/**
 * out[n] = sign * log softmax(logits[n])[ids[n]] (0 where ids[n] >= V), lse[n] its log-sum-exp;
 * sign 1 is the token log-probability, -1 the cross-entropy.
 */
export function logSoftmaxGather(out: usize, lse: usize, logits: usize, ids: usize, N: i32, V: i32, sign: f32): void {
  for (let n = 0; n < N; n++) {
    const row = logits + ((<usize>(n * V)) << 2);
    const m = rowMax(row, V);
    const lp = Mathf.log1p(rowExpRest(row, V, m));
    store<f32>(lse + ((<usize>n) << 2), m + lp);
    const id = load<u32>(ids + ((<usize>n) << 2));
    // (x - m) - lp, not x - lse: lse = m + lp rounds a confident row's lp away
    store<f32>(out + ((<usize>n) << 2), id < <u32>V ? sign * (load<f32>(row + ((<usize>id) << 2)) - m - lp) : 0);
  }
}

/** dlogits[n, v] += sign * dout[n] * (onehot(ids[n])[v] - softmax(logits[n])[v]), rows with ids[n] >= V skipped. */
export function logSoftmaxGatherBackward(
  dlogits: usize,
  dout: usize,
  logits: usize,
  lse: usize,
  ids: usize,
  N: i32,
  V: i32,
  sign: f32,
): void {
  const lane = i32x4(0, 1, 2, 3);
  for (let n = 0; n < N; n++) {
    const id = load<u32>(ids + ((<usize>n) << 2));
    if (id >= <u32>V) continue;
    const g = sign * load<f32>(dout + ((<usize>n) << 2));
    const gv = f32x4.splat(g);
    const lv = f32x4.splat(load<f32>(lse + ((<usize>n) << 2)));
    const idv = i32x4.splat(<i32>id);
    const o = (<usize>(n * V)) << 2;
    let v = 0;
    for (; v + 4 <= V; v += 4) {
      const x = logits + o + ((<usize>v) << 2);
      const d = dlogits + o + ((<usize>v) << 2);
      const hot = v128.and(i32x4.eq(i32x4.add(lane, i32x4.splat(v)), idv), f32x4.splat(1));
      v128.store(d, f32x4.add(v128.load(d), f32x4.mul(gv, f32x4.sub(hot, expv(f32x4.sub(v128.load(x), lv))))));
    }
    for (; v < V; v++) {
      const x = logits + o + ((<usize>v) << 2);
      const d = dlogits + o + ((<usize>v) << 2);
      store<f32>(
        d,
        load<f32>(d) + g * (<f32>(v == <i32>id ? 1 : 0) - Mathf.exp(load<f32>(x) - load<f32>(lse + ((<usize>n) << 2)))),
      );
    }
  }
}

/** out[n] = entropy (nats) of softmax(logits[n]): log z - sum e (x - m) / z, with e = exp(x - m). */
export function entropy(out: usize, logits: usize, N: i32, V: i32): void {
  for (let n = 0; n < N; n++) {
    const row = logits + ((<usize>(n * V)) << 2);
    const m = rowMax(row, V);
    const mv = f32x4.splat(m);
    let z = f32x4.splat(0);
    let s = f32x4.splat(0);
    let v = 0;
    for (; v + 4 <= V; v += 4) {
      const x = f32x4.sub(v128.load(row + ((<usize>v) << 2)), mv);
      const e = expv(x);
      z = f32x4.add(z, e);
      s = f32x4.add(s, f32x4.mul(e, x));
    }
    let zs = f32x4.extract_lane(z, 0) + f32x4.extract_lane(z, 1) + f32x4.extract_lane(z, 2) + f32x4.extract_lane(z, 3);
    let ss = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
    for (; v < V; v++) {
      const x = load<f32>(row + ((<usize>v) << 2)) - m;
      const e = Mathf.exp(x);
      zs += e;
      ss += e * x;
    }
    store<f32>(out + ((<usize>n) << 2), Mathf.log(zs) - ss / zs);
  }
}

// ---- embeddings ----

/** out[n] = table[ids[n]] (+ out[n] when accumulate), rows of C floats; an id >= V gives zeros. */
export function embedding(out: usize, ids: usize, table: usize, N: i32, C: i32, V: i32, accumulate: bool): void {
  const rowBytes = (<usize>C) << 2;
  for (let n = 0; n < N; n++) {
    const id = load<u32>(ids + ((<usize>n) << 2));
    const o = out + <usize>n * rowBytes;
    if (id >= <u32>V) {
      if (!accumulate) memory.fill(o, 0, rowBytes);
      continue;
    }
    const t = table + <usize>id * rowBytes;
    if (!accumulate) {
      memory.copy(o, t, rowBytes);
      continue;
    }
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const q = (<usize>c) << 2;
      v128.store(o + q, f32x4.add(v128.load(o + q), v128.load(t + q)));
    }
    for (; c < C; c++) {
      const q = (<usize>c) << 2;
      store<f32>(o + q, load<f32>(o + q) + load<f32>(t + q));
    }
  }
}

/** dtable[ids[n]] += dout[n], in order of n; ids >= V skipped. */
export function embeddingBackward(dtable: usize, dout: usize, ids: usize, N: i32, C: i32, V: i32): void {
  const rowBytes = (<usize>C) << 2;
  for (let n = 0; n < N; n++) {
    const id = load<u32>(ids + ((<usize>n) << 2));
    if (id >= <u32>V) continue;
    const d = dtable + <usize>id * rowBytes;
    const g = dout + <usize>n * rowBytes;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const q = (<usize>c) << 2;
      v128.store(d + q, f32x4.add(v128.load(d + q), v128.load(g + q)));
    }
    for (; c < C; c++) {
      const q = (<usize>c) << 2;
      store<f32>(d + q, load<f32>(d + q) + load<f32>(g + q));
    }
  }
}

// ---- the bench's reference: this machine's SIMD128 multiply-add peak ----

/**
 * `iters` rounds of a multiply and an add on each of 12 independent f32x4 chains, no
 * memory traffic: 96 flops a round. The bench divides by its time for the peak that
 * matmul (a separate multiply and add per term, no FMA) can approach. Returns a lane so
 * the work is not optimised away.
 */
export function simdPeak(iters: i32): f32 {
  let a0 = f32x4.splat(0.1);
  let a1 = f32x4.splat(0.2);
  let a2 = f32x4.splat(0.3);
  let a3 = f32x4.splat(0.4);
  let a4 = f32x4.splat(0.5);
  let a5 = f32x4.splat(0.6);
  let a6 = f32x4.splat(0.7);
  let a7 = f32x4.splat(0.8);
  let a8 = f32x4.splat(0.9);
  let a9 = f32x4.splat(1.0);
  let a10 = f32x4.splat(1.1);
  let a11 = f32x4.splat(1.2);
  const m = f32x4.splat(0.9999);
  const c = f32x4.splat(0.0001);
  for (let i = 0; i < iters; i++) {
    a0 = f32x4.add(f32x4.mul(a0, m), c);
    a1 = f32x4.add(f32x4.mul(a1, m), c);
    a2 = f32x4.add(f32x4.mul(a2, m), c);
    a3 = f32x4.add(f32x4.mul(a3, m), c);
    a4 = f32x4.add(f32x4.mul(a4, m), c);
    a5 = f32x4.add(f32x4.mul(a5, m), c);
    a6 = f32x4.add(f32x4.mul(a6, m), c);
    a7 = f32x4.add(f32x4.mul(a7, m), c);
    a8 = f32x4.add(f32x4.mul(a8, m), c);
    a9 = f32x4.add(f32x4.mul(a9, m), c);
    a10 = f32x4.add(f32x4.mul(a10, m), c);
    a11 = f32x4.add(f32x4.mul(a11, m), c);
  }
  const s = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))),
    f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)),
  );
  return f32x4.extract_lane(s, 0);
}
