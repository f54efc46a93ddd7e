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
    for (let m = 0; m < M; m++) store<f32>(pa + ((<usize>(m * K + k)) << 2), load<f32>(a + ((<usize>(k * M + m)) << 2)));
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
 * (used when transA), `pb`: scratch of ceil(N/8)*8*K floats, `acc`: 32 floats. A 4 x 8
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
  let m = 0;
  for (; m + 4 <= M; m += 4) {
    const a0 = A + <usize>m * rowBytes;
    const a1 = a0 + rowBytes,
      a2 = a1 + rowBytes,
      a3 = a2 + rowBytes;
    for (let p = 0; p < panels; p++) {
      let bp = pb + ((<usize>(p * K)) << 5);
      let c00 = f32x4.splat(0),
        c01 = f32x4.splat(0),
        c10 = f32x4.splat(0),
        c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0),
        c21 = f32x4.splat(0),
        c30 = f32x4.splat(0),
        c31 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const ko = (<usize>k) << 2;
        const b0 = v128.load(bp),
          b1 = v128.load(bp, 16);
        const x0 = f32x4.splat(load<f32>(a0 + ko));
        const x1 = f32x4.splat(load<f32>(a1 + ko));
        const x2 = f32x4.splat(load<f32>(a2 + ko));
        const x3 = f32x4.splat(load<f32>(a3 + ko));
        c00 = f32x4.add(c00, f32x4.mul(x0, b0));
        c01 = f32x4.add(c01, f32x4.mul(x0, b1));
        c10 = f32x4.add(c10, f32x4.mul(x1, b0));
        c11 = f32x4.add(c11, f32x4.mul(x1, b1));
        c20 = f32x4.add(c20, f32x4.mul(x2, b0));
        c21 = f32x4.add(c21, f32x4.mul(x2, b1));
        c30 = f32x4.add(c30, f32x4.mul(x3, b0));
        c31 = f32x4.add(c31, f32x4.mul(x3, b1));
        bp += 32;
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
      let c00 = f32x4.splat(0),
        c01 = f32x4.splat(0);
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
  for (let d = 0; d < hs; d += 4) s = f32x4.add(s, f32x4.mul(v128.load(x + ((<usize>d) << 2)), v128.load(y + ((<usize>d) << 2))));
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

function zero(y: usize, hs: i32): void {
  for (let d = 0; d < hs; d += 4) v128.store(y + ((<usize>d) << 2), f32x4.splat(0));
}

/**
 * Prefix-LM attention forward: the prompt (the first prefix[b] positions) attends both
 * ways, generated tokens causally, so position i attends to j < max(prefix, i + 1).
 * out [B, T, C], att [B, nHead, T, T] (zero where masked), qkv [B, T, 3C], prefix u32 [B].
 */
export function attention(out: usize, att: usize, qkv: usize, prefix: usize, B: i32, T: i32, C: i32, nHead: i32): void {
  const hs = C / nHead;
  const scale = <f32>(1 / Math.sqrt(<f64>hs));
  const C3 = 3 * C;
  for (let b = 0; b < B; b++) {
    const pre = <i32>load<u32>(prefix + ((<usize>b) << 2));
    for (let h = 0; h < nHead; h++) {
      for (let i = 0; i < T; i++) {
        const q = qkv + ((<usize>((b * T + i) * C3 + h * hs)) << 2);
        const row = att + ((<usize>(((b * nHead + h) * T + i) * T)) << 2);
        const lim = min(T, max(pre, i + 1));
        let mx: f32 = -Infinity;
        for (let j = 0; j < lim; j++) {
          const k = qkv + ((<usize>((b * T + j) * C3 + C + h * hs)) << 2);
          const s = dot(q, k, hs) * scale;
          store<f32>(row + ((<usize>j) << 2), s);
          if (s > mx) mx = s;
        }
        let sum: f32 = 0;
        for (let j = 0; j < lim; j++) {
          const p = row + ((<usize>j) << 2);
          const e = Mathf.exp(load<f32>(p) - mx);
          store<f32>(p, e);
          sum += e;
        }
        const inv: f32 = 1 / sum;
        for (let j = 0; j < lim; j++) {
          const p = row + ((<usize>j) << 2);
          store<f32>(p, load<f32>(p) * inv);
        }
        for (let j = lim; j < T; j++) store<f32>(row + ((<usize>j) << 2), 0);
        const o = out + ((<usize>((b * T + i) * C + h * hs)) << 2);
        zero(o, hs);
        for (let j = 0; j < lim; j++) axpy(o, load<f32>(row + ((<usize>j) << 2)), qkv + ((<usize>((b * T + j) * C3 + 2 * C + h * hs)) << 2), hs);
      }
    }
  }
}

/** Accumulates dqkv from dout through attention's softmax; `datt`: scratch of T floats. */
export function attentionBackward(dqkv: usize, dout: usize, att: usize, qkv: usize, B: i32, T: i32, C: i32, nHead: i32, datt: usize): void {
  const hs = C / nHead;
  const scale = <f32>(1 / Math.sqrt(<f64>hs));
  const C3 = 3 * C;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < nHead; h++) {
      for (let i = 0; i < T; i++) {
        const row = att + ((<usize>(((b * nHead + h) * T + i) * T)) << 2);
        const g = dout + ((<usize>((b * T + i) * C + h * hs)) << 2);
        let s2: f32 = 0;
        for (let j = 0; j < T; j++) {
          const vo = (<usize>((b * T + j) * C3 + 2 * C + h * hs)) << 2;
          const a = load<f32>(row + ((<usize>j) << 2));
          const da = dot(g, qkv + vo, hs);
          store<f32>(datt + ((<usize>j) << 2), da);
          axpy(dqkv + vo, a, g, hs);
          s2 += a * da;
        }
        const qo = (<usize>((b * T + i) * C3 + h * hs)) << 2;
        for (let j = 0; j < T; j++) {
          const dp = load<f32>(row + ((<usize>j) << 2)) * (load<f32>(datt + ((<usize>j) << 2)) - s2);
          if (dp == 0) continue;
          const ko = (<usize>((b * T + j) * C3 + C + h * hs)) << 2;
          axpy(dqkv + qo, dp * scale, qkv + ko, hs);
          axpy(dqkv + ko, dp * scale, qkv + qo, hs);
        }
      }
    }
  }
}

/** One new token per row against its KV cache: out [B, C], qkv [B, 3C], caches [B, Tmax, C], len u32 [B]; `sc`: scratch of Tmax floats. */
export function attentionDecode(out: usize, qkv: usize, kCache: usize, vCache: usize, len: usize, B: i32, Tmax: i32, C: i32, nHead: i32, sc: usize): void {
  const hs = C / nHead;
  const scale = <f32>(1 / Math.sqrt(<f64>hs));
  for (let b = 0; b < B; b++) {
    const L = min(<i32>load<u32>(len + ((<usize>b) << 2)), Tmax);
    for (let h = 0; h < nHead; h++) {
      const q = qkv + ((<usize>(b * 3 * C + h * hs)) << 2);
      let mx: f32 = -Infinity;
      for (let j = 0; j < L; j++) {
        const s = dot(q, kCache + ((<usize>((b * Tmax + j) * C + h * hs)) << 2), hs) * scale;
        store<f32>(sc + ((<usize>j) << 2), s);
        if (s > mx) mx = s;
      }
      let sum: f32 = 0;
      for (let j = 0; j < L; j++) {
        const p = sc + ((<usize>j) << 2);
        const e = Mathf.exp(load<f32>(p) - mx);
        store<f32>(p, e);
        sum += e;
      }
      const o = out + ((<usize>(b * C + h * hs)) << 2);
      zero(o, hs);
      for (let j = 0; j < L; j++) axpy(o, load<f32>(sc + ((<usize>j) << 2)), vCache + ((<usize>((b * Tmax + j) * C + h * hs)) << 2), hs);
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
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.3)), f32x4.splat(88.7));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.442695041)));
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
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const half = i32x4.shr_s(ni, 1);
  const s1 = i32x4.shl(i32x4.add(half, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(ni, half), i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

// sigmoid(2u) of four x
function geluGate(x: v128): v128 {
  const u = f32x4.mul(f32x4.splat(0.7978845608), f32x4.add(x, f32x4.mul(f32x4.splat(0.044715), f32x4.mul(x, f32x4.mul(x, x)))));
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
    const du = f32x4.mul(f32x4.splat(0.7978845608), f32x4.add(f32x4.splat(1), f32x4.mul(f32x4.splat(3 * 0.044715), f32x4.mul(v, v))));
    const g = f32x4.add(s, f32x4.mul(f32x4.mul(f32x4.mul(f32x4.splat(2), v), f32x4.mul(s, f32x4.sub(f32x4.splat(1), s))), du));
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
export function layerNorm(out: usize, mean: usize, rstd: usize, x: usize, w: usize, b: usize, rows: i32, C: i32, eps: f32): void {
  const C4 = C & ~3;
  for (let r = 0; r < rows; r++) {
    const xr = at(x, r * C),
      or = at(out, r * C);
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
    for (let c = C4; c < C; c++) store<f32>(at(or, c), (load<f32>(at(xr, c)) - m) * rs * load<f32>(at(w, c)) + load<f32>(at(b, c)));
    store<f32>(at(mean, r), m);
    store<f32>(at(rstd, r), rs);
  }
}

/** Accumulates dx, dw and db through layerNorm. */
export function layerNormBackward(dx: usize, dw: usize, db: usize, dout: usize, x: usize, mean: usize, rstd: usize, w: usize, rows: i32, C: i32): void {
  const C4 = C & ~3;
  for (let r = 0; r < rows; r++) {
    const xr = at(x, r * C),
      gr = at(dout, r * C),
      dr = at(dx, r * C);
    const m = load<f32>(at(mean, r)),
      rs = load<f32>(at(rstd, r));
    const mv = f32x4.splat(m),
      rv = f32x4.splat(rs);
    let av = f32x4.splat(0),
      bv = f32x4.splat(0);
    for (let c = 0; c < C4; c += 4) {
      const nv = f32x4.mul(f32x4.sub(v128.load(at(xr, c)), mv), rv);
      const dn = f32x4.mul(v128.load(at(w, c)), v128.load(at(gr, c)));
      av = f32x4.add(av, dn);
      bv = f32x4.add(bv, f32x4.mul(dn, nv));
    }
    let dnMean = hsum(av),
      dnNormMean = hsum(bv);
    for (let c = C4; c < C; c++) {
      const nrm = (load<f32>(at(xr, c)) - m) * rs;
      const dn = load<f32>(at(w, c)) * load<f32>(at(gr, c));
      dnMean += dn;
      dnNormMean += dn * nrm;
    }
    dnMean /= <f32>C;
    dnNormMean /= <f32>C;
    const amv = f32x4.splat(dnMean),
      bmv = f32x4.splat(dnNormMean);
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
