// The `wasm` backend: the CPU reference's ops, with the hot ones run by WebAssembly
// SIMD128 kernels (wasm/kernels.ts). Every tensor lives in the module's memory, so a
// kernel runs on it in place and the reference ops read it through a typed-array view;
// nothing is copied per call. One thread; a result never depends on anything but its inputs.

import type { AttentionShape, DType, MatmulOpts, Tensor } from '../backend';
import { numel } from '../backend';
import { CpuBackend, CpuTensor } from '../cpu/cpuBackend';
import { kernelExports, type KernelExports } from './kernelExports';

// --noAssert: a kernel never aborts; the import is there because the compiler declares it.
const IMPORTS = {
  env: {
    abort: () => {
      throw new Error('wasm kernel aborted');
    },
  },
};

/** A tensor at `ptr` in the kernels' memory; its view is made again after the memory grows (growing detaches the old one). */
class WasmTensor extends CpuTensor {
  private view: Float32Array | Uint32Array;
  freed = false;
  constructor(
    shape: readonly number[],
    dtype: DType,
    readonly ptr: number,
    readonly bytes: number,
    private readonly memory: WebAssembly.Memory,
  ) {
    const view = WasmTensor.viewAt(memory, ptr, numel(shape), dtype);
    super(shape, dtype, view);
    this.view = view;
  }
  override get data(): Float32Array | Uint32Array {
    if (this.freed) throw new Error('wasm backend given a freed tensor');
    if (this.view.buffer !== this.memory.buffer)
      this.view = WasmTensor.viewAt(this.memory, this.ptr, this.size, this.dtype);
    return this.view;
  }
  private static viewAt(memory: WebAssembly.Memory, ptr: number, n: number, dtype: DType): Float32Array | Uint32Array {
    return dtype === 'f32' ? new Float32Array(memory.buffer, ptr, n) : new Uint32Array(memory.buffer, ptr, n);
  }
}

/**
 * The memory of tensors and kernels' scratch, in whole 64-byte blocks: best fit among the
 * free blocks (kept by address, neighbours merged, the last one given back to the top),
 * so a step whose shapes differ from the last reuses its memory instead of growing it.
 */
class Heap {
  private top: number;
  /** Memory from here up has never been handed out, so it is still zero (wasm memory starts and grows zeroed). */
  cleanFrom: number;
  private readonly free: { ptr: number; bytes: number }[] = [];
  constructor(private readonly k: KernelExports) {
    this.top = k.heapBase();
    this.cleanFrom = this.top;
  }
  static blockBytes(floats: number): number {
    return Math.max(64, (floats * 4 + 63) & ~63);
  }
  alloc(bytes: number): number {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const f = this.free[i].bytes;
      if (f >= bytes && (best < 0 || f < this.free[best].bytes)) {
        best = i;
        if (f === bytes) break;
      }
    }
    if (best >= 0) {
      const f = this.free[best];
      const ptr = f.ptr;
      if (f.bytes === bytes) this.free.splice(best, 1);
      else {
        f.ptr += bytes;
        f.bytes -= bytes;
      }
      return ptr;
    }
    const ptr = this.top;
    if (!this.k.ensure(ptr + bytes)) throw new Error(`wasm backend: cannot grow its memory to ${ptr + bytes} bytes`);
    this.top += bytes;
    this.cleanFrom = Math.max(this.cleanFrom, this.top);
    return ptr;
  }
  release(ptr: number, bytes: number): void {
    let lo = 0;
    let hi = this.free.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.free[mid].ptr < ptr) lo = mid + 1;
      else hi = mid;
    }
    let at = lo;
    const prev = this.free[at - 1];
    if (prev && prev.ptr + prev.bytes === ptr) {
      prev.bytes += bytes;
      at--;
    } else this.free.splice(at, 0, { ptr, bytes });
    const cur = this.free[at];
    const next = this.free[at + 1];
    if (next && cur.ptr + cur.bytes === next.ptr) {
      cur.bytes += next.bytes;
      this.free.splice(at + 1, 1);
    }
    if (cur.ptr + cur.bytes === this.top) {
      this.top = cur.ptr;
      this.free.splice(at, 1);
    }
  }
}

/** The tensor's place in the kernels' memory; a tensor of another backend is refused. */
function p(t: Tensor): number {
  if (!(t instanceof WasmTensor)) throw new Error('wasm backend given a tensor of another backend');
  if (t.freed) throw new Error('wasm backend given a freed tensor');
  return t.ptr;
}

export class WasmBackend extends CpuBackend {
  override readonly kind = 'wasm' as const;
  private readonly heap: Heap;
  // a tensor dropped without free() gives its memory back when collected
  private readonly unfreed = new FinalizationRegistry<{ ptr: number; bytes: number }>(({ ptr, bytes }) =>
    this.heap.release(ptr, bytes),
  );

  private constructor(private readonly k: KernelExports) {
    super();
    this.heap = new Heap(k);
  }

  /** Compiles the kernels (`bytes`: the contents of kernels.wasm). */
  static async create(bytes: BufferSource): Promise<WasmBackend> {
    const { instance } = await WebAssembly.instantiate(bytes, IMPORTS);
    return new WasmBackend(kernelExports(instance));
  }

  /** The same, synchronously (Node, and browser workers; a page's main thread refuses large modules). */
  static createSync(bytes: BufferSource): WasmBackend {
    return new WasmBackend(kernelExports(new WebAssembly.Instance(new WebAssembly.Module(bytes), IMPORTS)));
  }

  override zeros(shape: readonly number[], dtype: DType = 'f32'): Tensor {
    const bytes = Heap.blockBytes(numel(shape));
    const clean = this.heap.cleanFrom;
    const t = new WasmTensor(shape, dtype, this.heap.alloc(bytes), bytes, this.k.memory);
    // only the part below the never-used memory can hold old values
    if (t.ptr < clean) t.data.fill(0, 0, Math.min(t.size, Math.ceil((clean - t.ptr) / 4)));
    this.unfreed.register(t, { ptr: t.ptr, bytes }, t);
    return t;
  }
  override free(t: Tensor): void {
    if (!(t instanceof WasmTensor) || t.freed) return;
    t.freed = true;
    this.unfreed.unregister(t);
    this.heap.release(t.ptr, t.bytes);
  }

  /** Scratch floats for the length of one kernel call. */
  private scratch<R>(floats: number[], f: (ptrs: number[]) => R): R {
    const blocks = floats.map((n) => Heap.blockBytes(n));
    const ptrs = blocks.map((b) => this.heap.alloc(b));
    try {
      return f(ptrs);
    } finally {
      ptrs.forEach((q, i) => this.heap.release(q, blocks[i]));
    }
  }

  override biasBackward(dbias: Tensor, dout: Tensor, M: number, N: number): void {
    need(dbias.size, N, 'biasBackward dbias');
    need(dout.size, M * N, 'biasBackward dout');
    this.k.biasBackward(p(dbias), p(dout), M, N);
  }

  override gelu(out: Tensor, x: Tensor): void {
    need(x.size, out.size, 'gelu x');
    this.k.gelu(p(out), p(x), out.size);
  }

  override geluBackward(dx: Tensor, x: Tensor, dout: Tensor): void {
    need(x.size, dx.size, 'geluBackward x');
    need(dout.size, dx.size, 'geluBackward dout');
    this.k.geluBackward(p(dx), p(x), p(dout), dx.size);
  }

  override layerNorm(
    out: Tensor,
    mean: Tensor,
    rstd: Tensor,
    x: Tensor,
    w: Tensor,
    b: Tensor,
    rows: number,
    C: number,
    eps = 1e-5,
  ): void {
    for (const [t, n, what] of [
      [out, rows * C, 'out'],
      [mean, rows, 'mean'],
      [rstd, rows, 'rstd'],
      [x, rows * C, 'x'],
      [w, C, 'w'],
      [b, C, 'b'],
    ] as const)
      need(t.size, n, `layerNorm ${what}`);
    this.k.layerNorm(p(out), p(mean), p(rstd), p(x), p(w), p(b), rows, C, eps);
  }

  override layerNormBackward(
    dx: Tensor,
    dw: Tensor,
    db: Tensor,
    dout: Tensor,
    x: Tensor,
    mean: Tensor,
    rstd: Tensor,
    w: Tensor,
    rows: number,
    C: number,
  ): void {
    for (const [t, n, what] of [
      [dx, rows * C, 'dx'],
      [dw, C, 'dw'],
      [db, C, 'db'],
      [dout, rows * C, 'dout'],
      [x, rows * C, 'x'],
      [mean, rows, 'mean'],
      [rstd, rows, 'rstd'],
      [w, C, 'w'],
    ] as const)
      need(t.size, n, `layerNormBackward ${what}`);
    this.k.layerNormBackward(p(dx), p(dw), p(db), p(dout), p(x), p(mean), p(rstd), p(w), rows, C);
  }

  override logSoftmaxGather(out: Tensor, lse: Tensor, logits: Tensor, ids: Tensor, N: number, V: number): void {
    this.gather(out, lse, logits, ids, N, V, 1);
  }
  override crossEntropy(losses: Tensor, lse: Tensor, logits: Tensor, targets: Tensor, N: number, V: number): void {
    this.gather(losses, lse, logits, targets, N, V, -1);
  }
  private gather(out: Tensor, lse: Tensor, logits: Tensor, ids: Tensor, N: number, V: number, sign: number): void {
    // ids held as floats (the reference reads either): the reference
    if (ids.dtype !== 'u32')
      return sign > 0
        ? super.logSoftmaxGather(out, lse, logits, ids, N, V)
        : super.crossEntropy(out, lse, logits, ids, N, V);
    rowsOf(N, V, { out, lse, ids }, logits, 'logSoftmaxGather');
    this.k.logSoftmaxGather(p(out), p(lse), p(logits), p(ids), N, V, sign);
  }
  override logSoftmaxGatherBackward(
    dlogits: Tensor,
    dout: Tensor,
    logits: Tensor,
    lse: Tensor,
    ids: Tensor,
    N: number,
    V: number,
  ): void {
    this.gatherBackward(dlogits, dout, logits, lse, ids, N, V, 1);
  }
  override crossEntropyBackward(
    dlogits: Tensor,
    dlosses: Tensor,
    logits: Tensor,
    lse: Tensor,
    targets: Tensor,
    N: number,
    V: number,
  ): void {
    this.gatherBackward(dlogits, dlosses, logits, lse, targets, N, V, -1);
  }
  private gatherBackward(
    dlogits: Tensor,
    dout: Tensor,
    logits: Tensor,
    lse: Tensor,
    ids: Tensor,
    N: number,
    V: number,
    sign: number,
  ): void {
    if (ids.dtype !== 'u32')
      return sign > 0
        ? super.logSoftmaxGatherBackward(dlogits, dout, logits, lse, ids, N, V)
        : super.crossEntropyBackward(dlogits, dout, logits, lse, ids, N, V);
    rowsOf(N, V, { dout, lse, ids }, logits, 'logSoftmaxGatherBackward');
    need(dlogits.size, N * V, 'logSoftmaxGatherBackward dlogits');
    this.k.logSoftmaxGatherBackward(p(dlogits), p(dout), p(logits), p(lse), p(ids), N, V, sign);
  }
  override embedding(out: Tensor, ids: Tensor, table: Tensor, N: number, C: number, accumulate = false): void {
    if (ids.dtype !== 'u32') return super.embedding(out, ids, table, N, C, accumulate);
    need(out.size, N * C, 'embedding out');
    need(ids.size, N, 'embedding ids');
    this.k.embedding(p(out), p(ids), p(table), N, C, Math.floor(table.size / C), +accumulate);
  }
  override embeddingBackward(dtable: Tensor, dout: Tensor, ids: Tensor, N: number, C: number): void {
    if (ids.dtype !== 'u32') return super.embeddingBackward(dtable, dout, ids, N, C);
    need(dout.size, N * C, 'embeddingBackward dout');
    need(ids.size, N, 'embeddingBackward ids');
    this.k.embeddingBackward(p(dtable), p(dout), p(ids), N, C, Math.floor(dtable.size / C));
  }
  override entropy(out: Tensor, logits: Tensor, N: number, V: number): void {
    rowsOf(N, V, { out }, logits, 'entropy');
    this.k.entropy(p(out), p(logits), N, V);
  }

  /** Heads of a multiple of 4 floats run in wasm; others (none in TinyVLM) on the reference. */
  private static simdHeads(C: number, nHead: number): boolean {
    return C % nHead === 0 && (C / nHead) % 4 === 0;
  }

  override attention(out: Tensor, att: Tensor, qkv: Tensor, prefix: Tensor, s: AttentionShape): void {
    if (!WasmBackend.simdHeads(s.C, s.nHead)) return super.attention(out, att, qkv, prefix, s);
    attentionSizes(s, { out, att, qkv });
    need(prefix.size, s.B, 'attention prefix');
    const T4 = (s.T + 3) & ~3;
    this.scratch([(s.C / s.nHead) * T4], ([kt]) =>
      this.k.attention(p(out), p(att), p(qkv), p(prefix), s.B, s.T, s.C, s.nHead, kt),
    );
  }

  override attentionBackward(
    dqkv: Tensor,
    dpre: Tensor,
    dout: Tensor,
    att: Tensor,
    qkv: Tensor,
    s: AttentionShape,
  ): void {
    if (!WasmBackend.simdHeads(s.C, s.nHead)) return super.attentionBackward(dqkv, dpre, dout, att, qkv, s);
    attentionSizes(s, { out: dout, att, qkv });
    need(dqkv.size, s.B * s.T * 3 * s.C, 'attentionBackward dqkv');
    const T4 = (s.T + 3) & ~3;
    this.scratch([T4, (s.C / s.nHead) * T4], ([datt, vt]) =>
      this.k.attentionBackward(p(dqkv), p(dout), p(att), p(qkv), s.B, s.T, s.C, s.nHead, datt, vt),
    );
  }

  override attentionDecode(
    out: Tensor,
    qkv: Tensor,
    kCache: Tensor,
    vCache: Tensor,
    len: Tensor,
    B: number,
    Tmax: number,
    C: number,
    nHead: number,
  ): void {
    if (!WasmBackend.simdHeads(C, nHead))
      return super.attentionDecode(out, qkv, kCache, vCache, len, B, Tmax, C, nHead);
    for (const [t, n, what] of [
      [out, B * C, 'out'],
      [qkv, B * 3 * C, 'qkv'],
      [kCache, B * Tmax * C, 'kCache'],
      [vCache, B * Tmax * C, 'vCache'],
      [len, B, 'len'],
    ] as const)
      need(t.size, n, `attentionDecode ${what}`);
    this.scratch([Tmax], ([sc]) =>
      this.k.attentionDecode(p(out), p(qkv), p(kCache), p(vCache), p(len), B, Tmax, C, nHead, sc),
    );
  }

  override matmul(
    out: Tensor,
    a: Tensor,
    b: Tensor,
    bias: Tensor | null,
    M: number,
    N: number,
    K: number,
    opts: MatmulOpts = {},
  ): void {
    const batch = opts.batch ?? 1;
    const sA = opts.strideA ?? M * K;
    const sB = opts.strideB ?? K * N;
    const sC = opts.strideC ?? M * N;
    need(a.size, (batch - 1) * sA + M * K, 'matmul A');
    need(b.size, (batch - 1) * sB + K * N, 'matmul B');
    need(out.size, (batch - 1) * sC + M * N, 'matmul out');
    if (bias) need(bias.size, N, 'matmul bias');
    const [pA, pB, pC, pBias] = [p(a), p(b), p(out), bias ? p(bias) : 0];
    this.scratch([opts.transA ? M * K : 0, ((N + 7) >> 3) * 8 * K + 4 * K, 32], ([pa, pb, acc]) => {
      for (let bt = 0; bt < batch; bt++) {
        this.k.matmul(
          pC + 4 * bt * sC,
          pA + 4 * bt * sA,
          pB + 4 * bt * sB,
          pBias,
          M,
          N,
          K,
          +!!opts.transA,
          +!!opts.transB,
          opts.alpha ?? 1,
          +!!opts.accumulate,
          pa,
          pb,
          acc,
        );
      }
    });
  }
}

function need(have: number, n: number, what: string): void {
  if (n > have) throw new Error(`${what} needs ${n} elements, has ${have}`);
}

/** Per-row tensors of N floats and logits of N x V. */
function rowsOf(N: number, V: number, rows: Record<string, Tensor>, logits: Tensor, what: string): void {
  for (const [name, t] of Object.entries(rows)) need(t.size, N, `${what} ${name}`);
  need(logits.size, N * V, `${what} logits`);
}

/** out (or dout) [B, T, C], att [B, nHead, T, T], qkv [B, T, 3C]. */
function attentionSizes(s: AttentionShape, t: { out: Tensor; att: Tensor; qkv: Tensor }): void {
  need(t.out.size, s.B * s.T * s.C, 'attention out');
  need(t.att.size, s.B * s.nHead * s.T * s.T, 'attention att');
  need(t.qkv.size, s.B * s.T * 3 * s.C, 'attention qkv');
}
