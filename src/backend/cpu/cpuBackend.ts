import type {
  AdamWParams,
  AttentionShape,
  Backend,
  DType,
  MatmulOpts,
  MIScoreParams,
  PolicyLossParams,
  ReduceOp,
  SampleParams,
  Tensor,
} from '../backend';
import { checkSize, numel } from '../backend';
import { adamwRef } from './adamw';
import { attentionBackwardRef, attentionDecodeRef, attentionRef, kvCacheWriteRef } from './attention';
import { addRef, geluBackwardRef, geluRef, halfToFloatRef, scaleRef } from './elementwise';
import { embeddingBackwardRef, embeddingRef } from './embedding';
import { layerNormBackwardRef, layerNormRef } from './layernorm';
import { logSoftmaxGatherBackwardRef, logSoftmaxGatherRef } from './logsoftmax';
import { biasBackwardRef, matmulRef } from './matmul';
import { reduceRef } from './reduce';
import { entropyRef, miScoreRef, policyLossRef } from './rl';
import { sampleRef } from './sampler';

/** A tensor on the CPU: a typed array (the wasm backend's live in its module's memory, see WasmTensor). */
export class CpuTensor implements Tensor {
  readonly size: number;
  constructor(
    readonly shape: readonly number[],
    readonly dtype: DType,
    private readonly arr: Float32Array | Uint32Array,
  ) {
    this.size = arr.length;
  }
  get data(): Float32Array | Uint32Array {
    return this.arr;
  }
}

/** A CPU-side tensor's array (the wasm backend works on the same tensors). */
function d(t: Tensor): Float32Array | Uint32Array {
  if (!(t instanceof CpuTensor)) throw new Error('CPU backend given a tensor of another backend');
  return t.data;
}

/** The reference backend on Float32Array; also the fallback when WebGPU is missing. */
export class CpuBackend implements Backend {
  readonly kind: 'cpu' | 'wasm' = 'cpu';

  zeros(shape: readonly number[], dtype: DType = 'f32'): Tensor {
    const n = numel(shape);
    return new CpuTensor(shape, dtype, dtype === 'f32' ? new Float32Array(n) : new Uint32Array(n));
  }
  fromArray(shape: readonly number[], data: Float32Array | Uint32Array): Tensor {
    if (numel(shape) !== data.length)
      throw new Error(`fromArray: shape [${shape}] needs ${numel(shape)} elements, got ${data.length}`);
    const t = this.zeros(shape, data instanceof Float32Array ? 'f32' : 'u32');
    d(t).set(data);
    return t;
  }
  write(t: Tensor, data: Float32Array | Uint32Array, offsetElems = 0): void {
    d(t).set(data, offsetElems);
  }
  fill(t: Tensor, value: number): void {
    d(t).fill(value);
  }
  copy(dst: Tensor, src: Tensor, dstOffset = 0, srcOffset = 0, count = src.size - srcOffset): void {
    checkSize('copy dst', dst, dstOffset + count);
    checkSize('copy src', src, srcOffset + count);
    d(dst).set(d(src).subarray(srcOffset, srcOffset + count), dstOffset);
  }
  async read(t: Tensor): Promise<Float32Array> {
    const x = d(t);
    return x instanceof Float32Array ? x.slice() : new Float32Array(x);
  }
  async readU32(t: Tensor): Promise<Uint32Array> {
    const x = d(t);
    return x instanceof Uint32Array ? x.slice() : new Uint32Array(x);
  }
  free(_t: Tensor): void {}
  async sync(): Promise<void> {}

  matmul(
    out: Tensor,
    a: Tensor,
    b: Tensor,
    bias: Tensor | null,
    M: number,
    N: number,
    K: number,
    opts?: MatmulOpts,
  ): void {
    matmulRef(d(out), d(a), d(b), bias ? d(bias) : null, M, N, K, opts);
  }
  biasBackward(dbias: Tensor, dout: Tensor, M: number, N: number): void {
    biasBackwardRef(d(dbias), d(dout), M, N);
  }
  add(out: Tensor, a: Tensor, b: Tensor, alpha = 1, beta = 1): void {
    addRef(d(out), d(a), d(b), alpha, beta);
  }
  scale(out: Tensor, a: Tensor, alpha: number): void {
    scaleRef(d(out), d(a), alpha);
  }
  gelu(out: Tensor, x: Tensor): void {
    geluRef(d(out), d(x));
  }
  geluBackward(dx: Tensor, x: Tensor, dout: Tensor): void {
    geluBackwardRef(d(dx), d(x), d(dout));
  }
  halfToFloat(out: Tensor, packed: Tensor, n: number): void {
    halfToFloatRef(d(out) as Float32Array, d(packed) as Uint32Array, n);
  }
  layerNorm(
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
    layerNormRef(d(out), d(mean), d(rstd), d(x), d(w), d(b), rows, C, eps);
  }
  layerNormBackward(
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
    layerNormBackwardRef(d(dx), d(dw), d(db), d(dout), d(x), d(mean), d(rstd), d(w), rows, C);
  }
  attention(out: Tensor, att: Tensor, qkv: Tensor, prefix: Tensor, s: AttentionShape): void {
    attentionRef(d(out), d(att), d(qkv), d(prefix), s);
  }
  attentionBackward(dqkv: Tensor, _dpre: Tensor, dout: Tensor, att: Tensor, qkv: Tensor, s: AttentionShape): void {
    attentionBackwardRef(d(dqkv), d(dout), d(att), d(qkv), s);
  }
  kvCacheWrite(
    kCache: Tensor,
    vCache: Tensor,
    qkv: Tensor,
    start: Tensor,
    B: number,
    T: number,
    Tmax: number,
    C: number,
  ): void {
    kvCacheWriteRef(d(kCache), d(vCache), d(qkv), d(start), B, T, Tmax, C);
  }
  attentionDecode(
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
    attentionDecodeRef(d(out), d(qkv), d(kCache), d(vCache), d(len), B, Tmax, C, nHead);
  }
  embedding(out: Tensor, ids: Tensor, table: Tensor, N: number, C: number, accumulate = false): void {
    embeddingRef(d(out), d(ids), d(table), N, C, accumulate);
  }
  embeddingBackward(dtable: Tensor, dout: Tensor, ids: Tensor, N: number, C: number): void {
    embeddingBackwardRef(d(dtable), d(dout), d(ids), N, C);
  }
  logSoftmaxGather(out: Tensor, lse: Tensor, logits: Tensor, ids: Tensor, N: number, V: number): void {
    logSoftmaxGatherRef(d(out), d(lse), d(logits), d(ids), N, V, 1);
  }
  logSoftmaxGatherBackward(
    dlogits: Tensor,
    dout: Tensor,
    logits: Tensor,
    lse: Tensor,
    ids: Tensor,
    N: number,
    V: number,
  ): void {
    logSoftmaxGatherBackwardRef(d(dlogits), d(dout), d(logits), d(lse), d(ids), N, V, 1);
  }
  crossEntropy(losses: Tensor, lse: Tensor, logits: Tensor, targets: Tensor, N: number, V: number): void {
    logSoftmaxGatherRef(d(losses), d(lse), d(logits), d(targets), N, V, -1);
  }
  crossEntropyBackward(
    dlogits: Tensor,
    dlosses: Tensor,
    logits: Tensor,
    lse: Tensor,
    targets: Tensor,
    N: number,
    V: number,
  ): void {
    logSoftmaxGatherBackwardRef(d(dlogits), d(dlosses), d(logits), d(lse), d(targets), N, V, -1);
  }
  reduce(out: Tensor, x: Tensor, rows: number, cols: number, op: ReduceOp, outOffset = 0): void {
    reduceRef(d(out), d(x), rows, cols, op, outOffset);
  }
  adamw(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, sumsq: Tensor, nSlots: number, hp: AdamWParams): void {
    adamwRef(d(param), d(grad), d(m), d(v), d(sumsq), nSlots, hp);
  }
  miScore(
    mi: Tensor,
    dep: Tensor,
    logits: Tensor,
    ids: Tensor,
    descStart: Tensor,
    descLen: Tensor,
    B: number,
    T: number,
    V: number,
    K: number,
    p?: MIScoreParams,
    real?: Tensor,
  ): void {
    miScoreRef(d(mi), d(dep), d(logits), d(ids), d(descStart), d(descLen), B, T, V, K, p, real ? d(real) : undefined);
  }
  policyLoss(
    loss: Tensor,
    kl: Tensor,
    dlp: Tensor,
    lpNew: Tensor,
    lpOld: Tensor,
    lpRef: Tensor,
    adv: Tensor,
    weight: Tensor,
    n: number,
    p: PolicyLossParams,
  ): void {
    policyLossRef(d(loss), d(kl), d(dlp), d(lpNew), d(lpOld), d(lpRef), d(adv), d(weight), n, p);
  }
  entropy(out: Tensor, logits: Tensor, N: number, V: number): void {
    entropyRef(d(out), d(logits), N, V);
  }
  sample(
    outIds: Tensor,
    logits: Tensor,
    rowIds: Tensor,
    positions: Tensor,
    B: number,
    V: number,
    p: SampleParams,
    outLogp?: Tensor,
  ): void {
    sampleRef(d(outIds), d(logits), d(rowIds), d(positions), B, V, p, undefined, outLogp ? d(outLogp) : undefined);
  }
}
