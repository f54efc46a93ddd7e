import type { Backend, DType, Tensor } from '../backend';
// the ops' named arguments
import type * as op from '../backend';
import { checkSize, LAYERNORM_EPS, MI_MEAN, numel, onTensors } from '../backend';
import { GpuContext } from '../../gpu/context';
import { acquireDevice } from '../../gpu/device';
import { ADAMW } from '../../gpu/kernels/adamw';
import { ATTENTION, ATTENTION_BACKWARD, ATTENTION_DECODE, attentionUniforms } from '../../gpu/kernels/attention';
import {
  dispatchAdd,
  dispatchFill,
  dispatchGelu,
  dispatchGeluBackward,
  dispatchScale,
} from '../../gpu/kernels/elementwise';
import { EMBEDDING } from '../../gpu/kernels/embedding';
import { dispatchHalfToFloat } from '../../gpu/kernels/half';
import { LAYERNORM, LAYERNORM_PARAMS } from '../../gpu/kernels/layernorm';
import { LOGSOFTMAX } from '../../gpu/kernels/logsoftmax';
import { BIAS_BACKWARD, MATMUL } from '../../gpu/kernels/matmul';
import { REDUCE, REDUCE_OPS } from '../../gpu/kernels/reduce';
import { MI_SCORE, POLICY_LOSS } from '../../gpu/kernels/rl';
import { dispatchRngFill, MAX_SAMPLE_VOCAB, SAMPLE } from '../../gpu/kernels/sample';

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

/** A kernel's bindings from the op's tensors, named as the kernel names them. */
const bufs = <A extends Record<string, Tensor | undefined>>(t: A) => onTensors(t, g);

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

  matmul({ out, a, b, bias, M, N, K, ...o }: op.MatmulArgs): void {
    const batch = o.batch ?? 1;
    const strideA = o.strideA ?? M * K;
    const strideB = o.strideB ?? K * N;
    const strideC = o.strideC ?? M * N;
    checkSize('matmul A', a, (batch - 1) * strideA + M * K);
    checkSize('matmul B', b, (batch - 1) * strideB + K * N);
    checkSize('matmul out', out, (batch - 1) * strideC + M * N);
    if (bias) checkSize('matmul bias', bias, N);
    if (batch > 65535) throw new Error(`matmul: batch ${batch} over 65535`);
    this.ctx.run(MATMUL, 'main', {
      uniforms: { M, N, K, strideA, strideB, strideC, alpha: o.alpha ?? 1 },
      buffers: { A: g(a), B: g(b), C: g(out), ...(bias ? { bias: g(bias) } : {}) },
      size: { grid: [Math.ceil(N / 64), Math.ceil(M / 64), batch] },
      constants: { TRANS_A: !!o.transA, TRANS_B: !!o.transB, HAS_BIAS: !!bias, ACCUMULATE: !!o.accumulate },
    });
  }
  biasBackward({ dbias, dout, M, N }: op.BiasBackwardArgs): void {
    checkSize('biasBackward dout', dout, M * N);
    this.ctx.run(BIAS_BACKWARD, 'main', { uniforms: { M, N }, buffers: bufs({ dout, dbias }), size: { threads: N } });
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
  layerNorm({ out, mean, rstd, x, w, b, rows, C, eps = LAYERNORM_EPS }: op.LayerNormArgs): void {
    checkSize('layerNorm x', x, rows * C);
    this.ctx.run(LAYERNORM, 'forward', {
      uniforms: { rows, C, eps },
      buffers: bufs({ x, w, bias: b, out, mean, rstd }),
      size: { threads: rows },
    });
  }
  layerNormBackward({ dx, dw, db, dout, x, mean, rstd, w, rows, C }: op.LayerNormBackwardArgs): void {
    this.ctx.run(LAYERNORM, 'backward_dx', {
      uniforms: { rows, C, eps: 0 },
      buffers: bufs({ x, w, dout, dx, mean, rstd }),
      size: { threads: rows },
    });
    this.ctx.run(LAYERNORM_PARAMS, 'main', {
      uniforms: { rows, C },
      buffers: bufs({ x, dout, mean, rstd, dw, db }),
      size: { threads: C },
    });
  }
  attention({ out, att, qkv, prefix, ...s }: op.AttentionArgs): void {
    checkSize('attention qkv', qkv, s.B * s.T * 3 * s.C);
    checkSize('attention att', att, s.B * s.nHead * s.T * s.T);
    this.ctx.run(ATTENTION, 'main', {
      uniforms: attentionUniforms(s),
      buffers: bufs({ qkv, prefix, out, att }),
      size: { threads: s.B * s.nHead * s.T },
    });
  }
  attentionBackward({ dqkv, dpre, dout, att, qkv, ...s }: op.AttentionBackwardArgs): void {
    checkSize('attentionBackward dpre', dpre, s.B * s.nHead * s.T * s.T);
    const run = {
      uniforms: attentionUniforms(s),
      buffers: bufs({ qkv, att, dout, dpre, dqkv }),
      size: { threads: s.B * s.nHead * s.T },
    };
    this.ctx.run(ATTENTION_BACKWARD, 'backward_q', run);
    this.ctx.run(ATTENTION_BACKWARD, 'backward_kv', run);
  }
  kvCacheWrite({ kCache, vCache, qkv, start, B, T, Tmax, C }: op.KvCacheWriteArgs): void {
    checkSize('kvCacheWrite cache', kCache, B * Tmax * C);
    this.ctx.run(ATTENTION_DECODE, 'kv_write', {
      uniforms: { B, T, Tmax, C, NH: 1, scale: 0 },
      buffers: bufs({ qkv, rowStart: start, kCache, vCache }),
      size: { threads: B * T * C },
    });
  }
  attentionDecode({ out, qkv, kCache, vCache, len, B, Tmax, C, nHead }: op.AttentionDecodeArgs): void {
    if (C / nHead > 128) throw new Error(`attentionDecode: head size ${C / nHead} over 128`);
    this.ctx.run(ATTENTION_DECODE, 'decode', {
      uniforms: { B, T: 1, Tmax, C, NH: nHead, scale: 1 / Math.sqrt(C / nHead) },
      buffers: bufs({ qkv, rowLen: len, kCache, vCache, out }),
      size: { threads: B * nHead },
    });
  }
  embedding({ out, ids, table, N, C, accumulate = false }: op.EmbeddingArgs): void {
    checkSize('embedding out', out, N * C);
    this.ctx.run(EMBEDDING, 'forward', {
      uniforms: { N, C, V: table.size / C },
      buffers: bufs({ ids, table, out }),
      size: { threads: N * C },
      constants: { ACCUMULATE: accumulate },
    });
  }
  /** One thread per channel, rows in order: deterministic without atomics. */
  embeddingBackward({ dtable, dout, ids, N, C }: op.EmbeddingBackwardArgs): void {
    this.ctx.run(EMBEDDING, 'backward', {
      uniforms: { N, C, V: dtable.size / C },
      buffers: bufs({ ids, dout, dtable }),
      size: { threads: C },
    });
  }
  logSoftmaxGather(a: op.LogSoftmaxArgs): void {
    this.gather(a, 1);
  }
  crossEntropy(a: op.LogSoftmaxArgs): void {
    this.gather(a, -1);
  }
  /** sign 1: per-token log-probabilities; sign -1: cross-entropy. */
  private gather({ out, lse, logits, ids, N, V }: op.LogSoftmaxArgs, sign: number): void {
    checkSize(sign > 0 ? 'logSoftmaxGather logits' : 'crossEntropy logits', logits, N * V);
    this.ctx.run(LOGSOFTMAX, 'forward', {
      uniforms: { N, V, sign },
      buffers: bufs({ logits, ids, out, lse }),
      size: { threads: N },
    });
  }
  logSoftmaxGatherBackward(a: op.LogSoftmaxBackwardArgs): void {
    this.gatherBackward(a, 1);
  }
  crossEntropyBackward(a: op.LogSoftmaxBackwardArgs): void {
    this.gatherBackward(a, -1);
  }
  private gatherBackward({ dlogits, dout, logits, lse, ids, N, V }: op.LogSoftmaxBackwardArgs, sign: number): void {
    this.ctx.run(LOGSOFTMAX, 'backward', {
      uniforms: { N, V, sign },
      buffers: bufs({ logits, ids, dlogits, lse, dout }),
      size: { threads: N * V },
    });
  }
  /** One workgroup per row. */
  reduce({ out, x, rows, cols, op, outOffset = 0 }: op.ReduceArgs): void {
    checkSize('reduce x', x, rows * cols);
    checkSize('reduce out', out, outOffset + rows);
    this.ctx.run(REDUCE, 'main', {
      uniforms: { rows, cols, outOffset },
      buffers: bufs({ x, out }),
      size: { workgroups: rows },
      constants: { OP: REDUCE_OPS[op] },
    });
  }
  adamw({ param, grad, m, v, sumsq, nSlots, hp }: op.AdamWArgs): void {
    checkSize('adamw grad', grad, param.size);
    this.ctx.run(ADAMW, 'main', {
      uniforms: {
        n: param.size,
        nSlots,
        lr: hp.lr,
        beta1: hp.beta1,
        beta2: hp.beta2,
        eps: hp.eps,
        wd: hp.weightDecay,
        bc1: 1 - Math.pow(hp.beta1, hp.step),
        bc2: 1 - Math.pow(hp.beta2, hp.step),
        maxNorm: hp.maxGradNorm,
      },
      buffers: bufs({ grad, sumsq, param, m, v }),
      size: { threads: param.size },
    });
  }
  miScore({ mi, dep, logits, ids, descStart, descLen, B, T, V, K, p = MI_MEAN, real }: op.MiScoreArgs): void {
    checkSize('miScore logits', logits, (real ? K : 1 + K) * B * T * V);
    checkSize('miScore dep', dep, B * T);
    if (real) checkSize('miScore real', real, B * T);
    if (K < 1 || K > 16) throw new Error(`miScore: K = ${K} alternatives, must be 1..16`);
    this.ctx.run(MI_SCORE, 'main', {
      uniforms: { B, T, V, K, sum: p.sum ? 1 : 0, clip: Math.max(0, p.clip), hasReal: real ? 1 : 0 },
      buffers: bufs({ logits, ids, descStart, descLen, mi, dep, ...(real ? { real } : {}) }),
      size: { threads: B },
    });
  }
  policyLoss({ loss, kl, dlp, lpNew, lpOld, lpRef, adv, weight, n, p }: op.PolicyLossArgs): void {
    checkSize('policyLoss lpNew', lpNew, n);
    this.ctx.run(POLICY_LOSS, 'main', {
      uniforms: { n, clipLow: p.clipLow, clipHigh: p.clipHigh, beta: p.beta },
      buffers: bufs({ lpNew, lpOld, lpRef, adv, weight, loss, kl, dlp }),
      size: { threads: n },
    });
  }
  entropy({ out, logits, N, V }: op.EntropyArgs): void {
    checkSize('entropy logits', logits, N * V);
    this.ctx.run(LOGSOFTMAX, 'entropy', {
      uniforms: { N, V, sign: 1 },
      buffers: bufs({ logits, out }),
      size: { threads: N },
    });
  }
  sample({ outIds, logits, rowIds, positions, B, V, p, outLogp }: op.SampleArgs): void {
    checkSize('sample logits', logits, B * V);
    if (outLogp) checkSize('sample logp', outLogp, B);
    if (V > MAX_SAMPLE_VOCAB) throw new Error(`sample: vocabulary of ${V} over ${MAX_SAMPLE_VOCAB}`);
    if (B > 65535) throw new Error(`sample: ${B} rows over 65535`);
    this.ctx.run(SAMPLE, 'main', {
      uniforms: {
        B,
        V,
        temperature: p.temperature,
        topP: p.topP,
        seed: p.seed >>> 0,
        stream: p.stream >>> 0,
        step: p.step >>> 0,
        wantLogp: outLogp ? 1 : 0,
      },
      buffers: bufs({ logits, rowIds, positions, outIds, ...(outLogp ? { outLogp } : {}) }),
      size: { threads: B },
    });
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
