// The `wasm` backend: the CPU reference's ops, with the hot ones run by WebAssembly
// SIMD128 kernels (wasm/kernels.ts). Every tensor lives in the module's memory, so a
// kernel runs on it in place and the reference ops read it through a typed-array view;
// nothing is copied per call. One thread; a result never depends on anything but its inputs.

import type { AttentionShape, DType, Tensor } from '../backend';
// the ops' named arguments
import type * as op from '../backend';
import { LAYERNORM_EPS, numel } from '../backend';
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

  override biasBackward({ dbias, dout, M, N }: op.BiasBackwardArgs): void {
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

  override layerNorm({ out, mean, rstd, x, w, b, rows, C, eps = LAYERNORM_EPS }: op.LayerNormArgs): void {
    sizes(
      'layerNorm',
      { out: rows * C, mean: rows, rstd: rows, x: rows * C, w: C, b: C },
      { out, mean, rstd, x, w, b },
    );
    this.k.layerNorm(p(out), p(mean), p(rstd), p(x), p(w), p(b), rows, C, eps);
  }

  override layerNormBackward({ dx, dw, db, dout, x, mean, rstd, w, rows, C }: op.LayerNormBackwardArgs): void {
    sizes(
      'layerNormBackward',
      { dx: rows * C, dw: C, db: C, dout: rows * C, x: rows * C, mean: rows, rstd: rows, w: C },
      { dx, dw, db, dout, x, mean, rstd, w },
    );
    this.k.layerNormBackward(p(dx), p(dw), p(db), p(dout), p(x), p(mean), p(rstd), p(w), rows, C);
  }

  override logSoftmaxGather(a: op.LogSoftmaxArgs): void {
    this.gather(a, 1);
  }
  override crossEntropy(a: op.LogSoftmaxArgs): void {
    this.gather(a, -1);
  }
  override logSoftmaxGatherBackward(a: op.LogSoftmaxBackwardArgs): void {
    this.gatherBackward(a, 1);
  }
  override crossEntropyBackward(a: op.LogSoftmaxBackwardArgs): void {
    this.gatherBackward(a, -1);
  }
  private gather(a: op.LogSoftmaxArgs, sign: number): void {
    // ids held as floats (the reference reads either): the reference
    if (a.ids.dtype !== 'u32') return sign > 0 ? super.logSoftmaxGather(a) : super.crossEntropy(a);
    const { out, lse, logits, ids, N, V } = a;
    rowsOf(N, V, { out, lse, ids }, logits, 'logSoftmaxGather');
    this.k.logSoftmaxGather(p(out), p(lse), p(logits), p(ids), N, V, sign);
  }
  private gatherBackward(a: op.LogSoftmaxBackwardArgs, sign: number): void {
    if (a.ids.dtype !== 'u32') return sign > 0 ? super.logSoftmaxGatherBackward(a) : super.crossEntropyBackward(a);
    const { dlogits, dout, logits, lse, ids, N, V } = a;
    rowsOf(N, V, { dout, lse, ids }, logits, 'logSoftmaxGatherBackward');
    need(dlogits.size, N * V, 'logSoftmaxGatherBackward dlogits');
    this.k.logSoftmaxGatherBackward(p(dlogits), p(dout), p(logits), p(lse), p(ids), N, V, sign);
  }
  override embedding(a: op.EmbeddingArgs): void {
    if (a.ids.dtype !== 'u32') return super.embedding(a);
    const { out, ids, table, N, C, accumulate = false } = a;
    need(out.size, N * C, 'embedding out');
    need(ids.size, N, 'embedding ids');
    this.k.embedding(p(out), p(ids), p(table), N, C, Math.floor(table.size / C), +accumulate);
  }
  override embeddingBackward(a: op.EmbeddingBackwardArgs): void {
    if (a.ids.dtype !== 'u32') return super.embeddingBackward(a);
    const { dtable, dout, ids, N, C } = a;
    need(dout.size, N * C, 'embeddingBackward dout');
    need(ids.size, N, 'embeddingBackward ids');
    this.k.embeddingBackward(p(dtable), p(dout), p(ids), N, C, Math.floor(dtable.size / C));
  }
  override entropy({ out, logits, N, V }: op.EntropyArgs): void {
    rowsOf(N, V, { out }, logits, 'entropy');
    this.k.entropy(p(out), p(logits), N, V);
  }

  /** Heads of a multiple of 4 floats run in wasm; others (none in TinyVLM) on the reference. */
  private static simdHeads(C: number, nHead: number): boolean {
    return C % nHead === 0 && (C / nHead) % 4 === 0;
  }

  override attention(a: op.AttentionArgs): void {
    if (!WasmBackend.simdHeads(a.C, a.nHead)) return super.attention(a);
    const { out, att, qkv, prefix, B, T, C, nHead } = a;
    attentionSizes(a, { out, att, qkv });
    need(prefix.size, B, 'attention prefix');
    const T4 = (T + 3) & ~3;
    this.scratch([(C / nHead) * T4], ([kt]) => this.k.attention(p(out), p(att), p(qkv), p(prefix), B, T, C, nHead, kt));
  }

  override attentionBackward(a: op.AttentionBackwardArgs): void {
    if (!WasmBackend.simdHeads(a.C, a.nHead)) return super.attentionBackward(a);
    const { dqkv, dout, att, qkv, B, T, C, nHead } = a;
    attentionSizes(a, { out: dout, att, qkv });
    need(dqkv.size, B * T * 3 * C, 'attentionBackward dqkv');
    const T4 = (T + 3) & ~3;
    this.scratch([T4, (C / nHead) * T4], ([datt, vt]) =>
      this.k.attentionBackward(p(dqkv), p(dout), p(att), p(qkv), B, T, C, nHead, datt, vt),
    );
  }

  override attentionDecode(a: op.AttentionDecodeArgs): void {
    if (!WasmBackend.simdHeads(a.C, a.nHead)) return super.attentionDecode(a);
    const { out, qkv, kCache, vCache, len, B, Tmax, C, nHead } = a;
    const cache = B * Tmax * C;
    sizes('attentionDecode', { out: B * C, qkv: B * 3 * C, kCache: cache, vCache: cache, len: B }, a);
    this.scratch([Tmax], ([sc]) =>
      this.k.attentionDecode(p(out), p(qkv), p(kCache), p(vCache), p(len), B, Tmax, C, nHead, sc),
    );
  }

  override matmul({ out, a, b, bias, M, N, K, ...o }: op.MatmulArgs): void {
    const batch = o.batch ?? 1;
    const sA = o.strideA ?? M * K;
    const sB = o.strideB ?? K * N;
    const sC = o.strideC ?? M * N;
    need(a.size, (batch - 1) * sA + M * K, 'matmul A');
    need(b.size, (batch - 1) * sB + K * N, 'matmul B');
    need(out.size, (batch - 1) * sC + M * N, 'matmul out');
    if (bias) need(bias.size, N, 'matmul bias');
    const [pA, pB, pC, pBias] = [p(a), p(b), p(out), bias ? p(bias) : 0];
    this.scratch([o.transA ? M * K : 0, ((N + 7) >> 3) * 8 * K + 4 * K, 32], ([pa, pb, acc]) => {
      for (let bt = 0; bt < batch; bt++) {
        this.k.matmul(
          pC + 4 * bt * sC,
          pA + 4 * bt * sA,
          pB + 4 * bt * sB,
          pBias,
          M,
          N,
          K,
          +!!o.transA,
          +!!o.transB,
          o.alpha ?? 1,
          +!!o.accumulate,
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

/** Each named tensor of `t` has at least the elements `n` gives it. */
function sizes<K extends string>(op: string, n: Record<K, number>, t: NoInfer<Record<K, Tensor>>): void {
  for (const k of Object.keys(n) as K[]) need(t[k].size, n[k], `${op} ${k}`);
}

/** out (or dout) [B, T, C], att [B, nHead, T, T], qkv [B, T, 3C]. */
function attentionSizes(s: AttentionShape, t: { out: Tensor; att: Tensor; qkv: Tensor }): void {
  need(t.out.size, s.B * s.T * s.C, 'attention out');
  need(t.att.size, s.B * s.nHead * s.T * s.T, 'attention att');
  need(t.qkv.size, s.B * s.T * 3 * s.C, 'attention qkv');
}
