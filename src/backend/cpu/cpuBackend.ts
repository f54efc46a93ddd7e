import type { Backend, DType, Tensor } from '../backend';
// the ops' named arguments
import type * as op from '../backend';
import { checkSize, numel, onTensors } from '../backend';
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

  matmul(a: op.MatmulArgs): void {
    matmulRef(onTensors(a, d));
  }
  biasBackward(a: op.BiasBackwardArgs): void {
    biasBackwardRef(onTensors(a, d));
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
  layerNorm(a: op.LayerNormArgs): void {
    layerNormRef(onTensors(a, d));
  }
  layerNormBackward(a: op.LayerNormBackwardArgs): void {
    layerNormBackwardRef(onTensors(a, d));
  }
  attention(a: op.AttentionArgs): void {
    attentionRef(onTensors(a, d));
  }
  attentionBackward(a: op.AttentionBackwardArgs): void {
    attentionBackwardRef(onTensors(a, d));
  }
  kvCacheWrite(a: op.KvCacheWriteArgs): void {
    kvCacheWriteRef(onTensors(a, d));
  }
  attentionDecode(a: op.AttentionDecodeArgs): void {
    attentionDecodeRef(onTensors(a, d));
  }
  embedding(a: op.EmbeddingArgs): void {
    embeddingRef(onTensors(a, d));
  }
  embeddingBackward(a: op.EmbeddingBackwardArgs): void {
    embeddingBackwardRef(onTensors(a, d));
  }
  logSoftmaxGather(a: op.LogSoftmaxArgs): void {
    logSoftmaxGatherRef(onTensors(a, d), 1);
  }
  logSoftmaxGatherBackward(a: op.LogSoftmaxBackwardArgs): void {
    logSoftmaxGatherBackwardRef(onTensors(a, d), 1);
  }
  crossEntropy(a: op.LogSoftmaxArgs): void {
    logSoftmaxGatherRef(onTensors(a, d), -1);
  }
  crossEntropyBackward(a: op.LogSoftmaxBackwardArgs): void {
    logSoftmaxGatherBackwardRef(onTensors(a, d), -1);
  }
  reduce(a: op.ReduceArgs): void {
    reduceRef(onTensors(a, d));
  }
  adamw(a: op.AdamWArgs): void {
    adamwRef(onTensors(a, d));
  }
  miScore(a: op.MiScoreArgs): void {
    miScoreRef(onTensors(a, d));
  }
  policyLoss(a: op.PolicyLossArgs): void {
    policyLossRef(onTensors(a, d));
  }
  entropy(a: op.EntropyArgs): void {
    entropyRef(onTensors(a, d));
  }
  sample(a: op.SampleArgs): void {
    sampleRef(onTensors(a, d));
  }
}
