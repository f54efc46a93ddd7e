// The `wasm` backend: the CPU reference's tensors and ops, with the hot ones run by
// WebAssembly SIMD128 kernels (wasm/kernels.ts). Operands are copied into the module's
// memory per call and the result copied back: at this model's sizes the copies are a
// small part of the arithmetic, and the tensors stay plain arrays every reference op
// can read. One thread; a result never depends on anything but its inputs.

import type { AttentionShape, MatmulOpts, Tensor } from '../backend';
import { CpuBackend, d } from '../cpu/cpuBackend';

interface Kernels {
  memory: WebAssembly.Memory;
  heapBase(): number;
  ensure(bytes: number): number;
  matmul(
    c: number,
    a: number,
    b: number,
    bias: number,
    M: number,
    N: number,
    K: number,
    transA: number,
    transB: number,
    alpha: number,
    accumulate: number,
    pa: number,
    pb: number,
    acc: number,
  ): void;
  gelu(out: number, x: number, n: number): void;
  geluBackward(dx: number, x: number, dout: number, n: number): void;
  attention(out: number, att: number, qkv: number, prefix: number, B: number, T: number, C: number, nHead: number): void;
  attentionBackward(dqkv: number, dout: number, att: number, qkv: number, B: number, T: number, C: number, nHead: number, datt: number): void;
  attentionDecode(out: number, qkv: number, kCache: number, vCache: number, len: number, B: number, Tmax: number, C: number, nHead: number, sc: number): void;
}

type Arr = Float32Array | Uint32Array;

// --noAssert: a kernel never aborts; the import is there because the compiler declares it.
const IMPORTS = {
  env: {
    abort: () => {
      throw new Error('wasm kernel aborted');
    },
  },
};

/** Places consecutive 16-byte-aligned regions from the heap base. */
class Layout {
  private at: number;
  constructor(base: number) {
    this.at = base;
  }
  take(floats: number): number {
    const p = this.at;
    this.at += (floats * 4 + 15) & ~15;
    return p;
  }
  get end(): number {
    return this.at;
  }
}

export class WasmBackend extends CpuBackend {
  override readonly kind = 'wasm' as const;
  private constructor(private readonly k: Kernels) {
    super();
  }

  /** Compiles the kernels (`bytes`: the contents of kernels.wasm). */
  static async create(bytes: BufferSource): Promise<WasmBackend> {
    const { instance } = await WebAssembly.instantiate(bytes, IMPORTS);
    return new WasmBackend(instance.exports as unknown as Kernels);
  }

  /** The same, synchronously (Node, and browser workers; a page's main thread refuses large modules). */
  static createSync(bytes: BufferSource): WasmBackend {
    return new WasmBackend(new WebAssembly.Instance(new WebAssembly.Module(bytes), IMPORTS).exports as unknown as Kernels);
  }

  private view(ptr: number, n: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, ptr, n);
  }

  /**
   * Runs a kernel on whole arrays: `read` are copied in, `write` are copied back after
   * (an array in both is copied both ways), `scratch` are uninitialised float regions.
   */
  private call(read: Arr[], write: Arr[], scratch: number[], kernel: (ptrs: Map<Arr, number>, scratch: number[]) => void): void {
    const L = new Layout(this.k.heapBase());
    const ptrs = new Map<Arr, number>();
    for (const a of [...read, ...write]) if (!ptrs.has(a)) ptrs.set(a, L.take(a.length));
    const sp = scratch.map((n) => L.take(n));
    if (!this.k.ensure(L.end)) throw new Error(`wasm backend: cannot grow its memory to ${L.end} bytes`);
    const buf = this.k.memory.buffer;
    for (const a of read) (a instanceof Float32Array ? new Float32Array(buf, ptrs.get(a)!, a.length) : new Uint32Array(buf, ptrs.get(a)!, a.length)).set(a);
    kernel(ptrs, sp);
    for (const a of write) a.set(a instanceof Float32Array ? new Float32Array(buf, ptrs.get(a)!, a.length) : new Uint32Array(buf, ptrs.get(a)!, a.length));
  }

  override gelu(out: Tensor, x: Tensor): void {
    const [O, X] = [d(out), d(x)];
    this.call([X], [O], [], (p) => this.k.gelu(p.get(O)!, p.get(X)!, O.length));
  }

  override geluBackward(dx: Tensor, x: Tensor, dout: Tensor): void {
    const [G, X, D] = [d(dx), d(x), d(dout)];
    this.call([G, X, D], [G], [], (p) => this.k.geluBackward(p.get(G)!, p.get(X)!, p.get(D)!, G.length));
  }

  /** Heads of a multiple of 4 floats run in wasm; others (none in TinyVLM) on the reference. */
  private static simdHeads(C: number, nHead: number): boolean {
    return C % nHead === 0 && (C / nHead) % 4 === 0;
  }

  override attention(out: Tensor, att: Tensor, qkv: Tensor, prefix: Tensor, s: AttentionShape): void {
    if (!WasmBackend.simdHeads(s.C, s.nHead)) return super.attention(out, att, qkv, prefix, s);
    const [O, A, Q, P] = [d(out), d(att), d(qkv), d(prefix)];
    this.call([Q, P], [O, A], [], (p) => this.k.attention(p.get(O)!, p.get(A)!, p.get(Q)!, p.get(P)!, s.B, s.T, s.C, s.nHead));
  }

  override attentionBackward(dqkv: Tensor, dpre: Tensor, dout: Tensor, att: Tensor, qkv: Tensor, s: AttentionShape): void {
    if (!WasmBackend.simdHeads(s.C, s.nHead)) return super.attentionBackward(dqkv, dpre, dout, att, qkv, s);
    const [G, D, A, Q] = [d(dqkv), d(dout), d(att), d(qkv)];
    this.call([G, D, A, Q], [G], [s.T], (p, [datt]) => this.k.attentionBackward(p.get(G)!, p.get(D)!, p.get(A)!, p.get(Q)!, s.B, s.T, s.C, s.nHead, datt));
  }

  override attentionDecode(out: Tensor, qkv: Tensor, kCache: Tensor, vCache: Tensor, len: Tensor, B: number, Tmax: number, C: number, nHead: number): void {
    if (!WasmBackend.simdHeads(C, nHead)) return super.attentionDecode(out, qkv, kCache, vCache, len, B, Tmax, C, nHead);
    const [O, Q, K, V, N] = [d(out), d(qkv), d(kCache), d(vCache), d(len)];
    this.call([Q, K, V, N], [O], [Tmax], (p, [sc]) => this.k.attentionDecode(p.get(O)!, p.get(Q)!, p.get(K)!, p.get(V)!, p.get(N)!, B, Tmax, C, nHead, sc));
  }

  override matmul(out: Tensor, a: Tensor, b: Tensor, bias: Tensor | null, M: number, N: number, K: number, opts: MatmulOpts = {}): void {
    const batch = opts.batch ?? 1;
    const sA = opts.strideA ?? M * K,
      sB = opts.strideB ?? K * N,
      sC = opts.strideC ?? M * N;
    const A = d(a) as Float32Array,
      B = d(b) as Float32Array,
      C = d(out) as Float32Array;
    const need = (sz: number, o: number, n: number, what: string) => {
      if (o + n > sz) throw new Error(`matmul: ${what} needs ${o + n} elements, has ${sz}`);
    };
    need(A.length, (batch - 1) * sA, M * K, 'A');
    need(B.length, (batch - 1) * sB, K * N, 'B');
    need(C.length, (batch - 1) * sC, M * N, 'out');
    if (bias) need(d(bias).length, 0, N, 'bias');
    const L = new Layout(this.k.heapBase());
    const pA = L.take(M * K),
      pB = L.take(K * N),
      pC = L.take(M * N),
      pBias = bias ? L.take(N) : 0,
      pa = L.take(M * K),
      pb = L.take(((N + 7) >> 3) * 8 * K),
      acc = L.take(32);
    if (!this.k.ensure(L.end)) throw new Error(`wasm backend: cannot grow its memory to ${L.end} bytes`);
    // views after the memory grew (growing detaches the old buffer)
    if (bias) this.view(pBias, N).set((d(bias) as Float32Array).subarray(0, N));
    const alpha = opts.alpha ?? 1;
    let lastA = -1,
      lastB = -1;
    for (let bt = 0; bt < batch; bt++) {
      const oa = bt * sA,
        ob = bt * sB,
        oc = bt * sC;
      // a broadcast operand (stride 0) is copied once
      if (oa !== lastA) this.view(pA, M * K).set(A.subarray(oa, oa + M * K));
      if (ob !== lastB) this.view(pB, K * N).set(B.subarray(ob, ob + K * N));
      lastA = oa;
      lastB = ob;
      if (opts.accumulate) this.view(pC, M * N).set(C.subarray(oc, oc + M * N));
      this.k.matmul(pC, pA, pB, pBias, M, N, K, +!!opts.transA, +!!opts.transB, alpha, +!!opts.accumulate, pa, pb, acc);
      C.set(this.view(pC, M * N), oc);
    }
  }
}
