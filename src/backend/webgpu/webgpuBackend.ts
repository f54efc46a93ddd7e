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
import { GpuContext } from '../../gpu/context';
import { acquireDevice } from '../../gpu/device';
import { dispatchAdamW } from '../../gpu/kernels/adamw';
import {
  dispatchAttention,
  dispatchAttentionBackward,
  dispatchAttentionDecode,
  dispatchKvCacheWrite,
} from '../../gpu/kernels/attention';
import {
  dispatchAdd,
  dispatchFill,
  dispatchGelu,
  dispatchGeluBackward,
  dispatchScale,
} from '../../gpu/kernels/elementwise';
import { dispatchEmbedding, dispatchEmbeddingBackward } from '../../gpu/kernels/embedding';
import { dispatchLayerNorm, dispatchLayerNormBackward } from '../../gpu/kernels/layernorm';
import {
  dispatchEntropy,
  dispatchLogSoftmaxGather,
  dispatchLogSoftmaxGatherBackward,
} from '../../gpu/kernels/logsoftmax';
import { dispatchMiScore, dispatchPolicyLoss } from '../../gpu/kernels/rl';
import { dispatchBiasBackward, dispatchMatmul } from '../../gpu/kernels/matmul';
import { dispatchReduce } from '../../gpu/kernels/reduce';
import { dispatchRngFill, dispatchSample } from '../../gpu/kernels/sample';
import { dispatchHalfToFloat } from '../../gpu/kernels/half';

export class GpuTensor implements Tensor {
  freed = false;
  constructor(
    readonly shape: readonly number[],
    readonly dtype: DType,
    readonly size: number,
    readonly buffer: GPUBuffer,
  ) {}
}

function g(t: Tensor): GPUBuffer {
  if (!(t instanceof GpuTensor)) throw new Error('WebGPU backend given a tensor of another backend');
  if (t.freed) throw new Error('WebGPU backend given a freed tensor');
  return t.buffer;
}

export class WebGpuBackend implements Backend {
  readonly kind = 'webgpu' as const;
  constructor(readonly ctx: GpuContext) {}

  zeros(shape: readonly number[], dtype: DType = 'f32'): Tensor {
    const n = numel(shape);
    const buf = this.ctx.pool.acquire(Math.max(4, n * 4));
    this.ctx.clear(buf, 0, buf.size);
    return new GpuTensor(shape, dtype, n, buf);
  }
  fromArray(shape: readonly number[], data: Float32Array | Uint32Array): Tensor {
    if (numel(shape) !== data.length)
      throw new Error(`fromArray: shape [${shape}] needs ${numel(shape)} elements, got ${data.length}`);
    const t = new GpuTensor(
      shape,
      data instanceof Float32Array ? 'f32' : 'u32',
      data.length,
      this.ctx.pool.acquire(Math.max(4, data.byteLength)),
    );
    this.ctx.write(t.buffer, 0, data);
    return t;
  }
  write(t: Tensor, data: Float32Array | Uint32Array, offsetElems = 0): void {
    checkSize('write', t, offsetElems + data.length);
    this.ctx.write(g(t), offsetElems * 4, data);
  }
  fill(t: Tensor, value: number): void {
    if (value === 0) this.ctx.clear(g(t), 0, t.size * 4);
    else if (t.dtype === 'u32') this.ctx.write(g(t), 0, new Uint32Array(t.size).fill(value));
    else dispatchFill(this.ctx, g(t), t.size, value);
  }
  copy(dst: Tensor, src: Tensor, dstOffset = 0, srcOffset = 0, count = src.size - srcOffset): void {
    checkSize('copy dst', dst, dstOffset + count);
    checkSize('copy src', src, srcOffset + count);
    if (count > 0) this.ctx.copy(g(src), srcOffset * 4, g(dst), dstOffset * 4, count * 4);
  }
  async read(t: Tensor): Promise<Float32Array> {
    const bytes = await this.ctx.read(g(t), 0, t.size * 4);
    return t.dtype === 'f32' ? new Float32Array(bytes) : new Float32Array(new Uint32Array(bytes));
  }
  async readU32(t: Tensor): Promise<Uint32Array> {
    return new Uint32Array(await this.ctx.read(g(t), 0, t.size * 4));
  }
  free(t: Tensor): void {
    if (t instanceof GpuTensor && !t.freed) {
      t.freed = true;
      this.ctx.pool.release(t.buffer);
    }
  }
  sync(): Promise<void> {
    return this.ctx.sync();
  }

  matmul(
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
    checkSize('matmul A', a, (batch - 1) * sA + M * K);
    checkSize('matmul B', b, (batch - 1) * sB + K * N);
    checkSize('matmul out', out, (batch - 1) * sC + M * N);
    if (bias) checkSize('matmul bias', bias, N);
    if (batch > 65535) throw new Error(`matmul: batch ${batch} over 65535`);
    dispatchMatmul(this.ctx, g(out), g(a), g(b), bias ? g(bias) : null, {
      M,
      N,
      K,
      batch,
      strideA: sA,
      strideB: sB,
      strideC: sC,
      transA: opts.transA ?? false,
      transB: opts.transB ?? false,
      alpha: opts.alpha ?? 1,
      accumulate: opts.accumulate ?? false,
    });
  }
  biasBackward(dbias: Tensor, dout: Tensor, M: number, N: number): void {
    checkSize('biasBackward dout', dout, M * N);
    dispatchBiasBackward(this.ctx, g(dbias), g(dout), M, N);
  }
  add(out: Tensor, a: Tensor, b: Tensor, alpha = 1, beta = 1): void {
    checkSize('add a', a, out.size);
    dispatchAdd(this.ctx, g(out), g(a), g(b), out.size, b.size, alpha, beta);
  }
  scale(out: Tensor, a: Tensor, alpha: number): void {
    checkSize('scale a', a, out.size);
    dispatchScale(this.ctx, g(out), g(a), out.size, alpha);
  }
  gelu(out: Tensor, x: Tensor): void {
    dispatchGelu(this.ctx, g(out), g(x), out.size);
  }
  geluBackward(dx: Tensor, x: Tensor, dout: Tensor): void {
    dispatchGeluBackward(this.ctx, g(dx), g(x), g(dout), dx.size);
  }
  halfToFloat(out: Tensor, packed: Tensor, n: number): void {
    checkSize('halfToFloat out', out, n);
    checkSize('halfToFloat packed', packed, Math.ceil(n / 2));
    dispatchHalfToFloat(this.ctx, g(out), g(packed), n);
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
    checkSize('layerNorm x', x, rows * C);
    dispatchLayerNorm(this.ctx, g(out), g(mean), g(rstd), g(x), g(w), g(b), rows, C, eps);
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
    dispatchLayerNormBackward(this.ctx, g(dx), g(dw), g(db), g(dout), g(x), g(mean), g(rstd), g(w), rows, C);
  }
  attention(out: Tensor, att: Tensor, qkv: Tensor, prefix: Tensor, s: AttentionShape): void {
    checkSize('attention qkv', qkv, s.B * s.T * 3 * s.C);
    checkSize('attention att', att, s.B * s.nHead * s.T * s.T);
    dispatchAttention(this.ctx, g(out), g(att), g(qkv), g(prefix), s);
  }
  attentionBackward(dqkv: Tensor, dpre: Tensor, dout: Tensor, att: Tensor, qkv: Tensor, s: AttentionShape): void {
    checkSize('attentionBackward dpre', dpre, s.B * s.nHead * s.T * s.T);
    dispatchAttentionBackward(this.ctx, g(dqkv), g(dpre), g(dout), g(att), g(qkv), s);
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
    checkSize('kvCacheWrite cache', kCache, B * Tmax * C);
    dispatchKvCacheWrite(this.ctx, g(kCache), g(vCache), g(qkv), g(start), B, T, Tmax, C);
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
    dispatchAttentionDecode(this.ctx, g(out), g(qkv), g(kCache), g(vCache), g(len), B, Tmax, C, nHead);
  }
  embedding(out: Tensor, ids: Tensor, table: Tensor, N: number, C: number, accumulate = false): void {
    checkSize('embedding out', out, N * C);
    dispatchEmbedding(this.ctx, g(out), g(ids), g(table), N, C, table.size / C, accumulate);
  }
  embeddingBackward(dtable: Tensor, dout: Tensor, ids: Tensor, N: number, C: number): void {
    dispatchEmbeddingBackward(this.ctx, g(dtable), g(dout), g(ids), N, C, dtable.size / C);
  }
  logSoftmaxGather(out: Tensor, lse: Tensor, logits: Tensor, ids: Tensor, N: number, V: number): void {
    checkSize('logSoftmaxGather logits', logits, N * V);
    dispatchLogSoftmaxGather(this.ctx, g(out), g(lse), g(logits), g(ids), N, V, 1);
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
    dispatchLogSoftmaxGatherBackward(this.ctx, g(dlogits), g(dout), g(logits), g(lse), g(ids), N, V, 1);
  }
  crossEntropy(losses: Tensor, lse: Tensor, logits: Tensor, targets: Tensor, N: number, V: number): void {
    checkSize('crossEntropy logits', logits, N * V);
    dispatchLogSoftmaxGather(this.ctx, g(losses), g(lse), g(logits), g(targets), N, V, -1);
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
    dispatchLogSoftmaxGatherBackward(this.ctx, g(dlogits), g(dlosses), g(logits), g(lse), g(targets), N, V, -1);
  }
  reduce(out: Tensor, x: Tensor, rows: number, cols: number, op: ReduceOp, outOffset = 0): void {
    checkSize('reduce x', x, rows * cols);
    checkSize('reduce out', out, outOffset + rows);
    dispatchReduce(this.ctx, g(out), g(x), rows, cols, op, outOffset);
  }
  adamw(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, sumsq: Tensor, nSlots: number, hp: AdamWParams): void {
    checkSize('adamw grad', grad, param.size);
    dispatchAdamW(this.ctx, g(param), g(grad), g(m), g(v), g(sumsq), param.size, nSlots, hp);
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
    p: MIScoreParams = { sum: false, clip: 0 },
    real?: Tensor,
  ): void {
    checkSize('miScore logits', logits, (real ? K : 1 + K) * B * T * V);
    checkSize('miScore dep', dep, B * T);
    if (real) checkSize('miScore real', real, B * T);
    dispatchMiScore(
      this.ctx,
      g(mi),
      g(dep),
      g(logits),
      g(ids),
      g(descStart),
      g(descLen),
      B,
      T,
      V,
      K,
      p,
      real ? g(real) : null,
    );
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
    checkSize('policyLoss lpNew', lpNew, n);
    dispatchPolicyLoss(this.ctx, g(loss), g(kl), g(dlp), g(lpNew), g(lpOld), g(lpRef), g(adv), g(weight), n, p);
  }
  entropy(out: Tensor, logits: Tensor, N: number, V: number): void {
    checkSize('entropy logits', logits, N * V);
    dispatchEntropy(this.ctx, g(out), g(logits), N, V);
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
    checkSize('sample logits', logits, B * V);
    if (outLogp) checkSize('sample logp', outLogp, B);
    dispatchSample(this.ctx, g(outIds), g(logits), g(rowIds), g(positions), B, V, p, outLogp ? g(outLogp) : null);
  }

  /** The RNG stream as the GPU computes it (for the TS/WGSL bit-for-bit check and random masks). */
  rngFill(out: Tensor, width: number, seed: number, stream: number, step: number): void {
    dispatchRngFill(this.ctx, g(out), out.size, width, seed, stream, step);
  }
}

/** A backend on a freshly acquired device (throws WebGpuUnavailableError with the reason when there is none). */
export async function createWebGpuBackend(): Promise<WebGpuBackend> {
  return new WebGpuBackend(new GpuContext((await acquireDevice()).device));
}
