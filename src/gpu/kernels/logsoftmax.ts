import type { GpuContext } from '../context';
import { defineKernel, IN, IN_U32, OUT } from '../kernel';
import body from './logsoftmax.wgsl?raw';

export const LOGSOFTMAX = defineKernel({
  name: 'logsoftmax',
  uniforms: { N: 'u32', V: 'u32', sign: 'f32' },
  bindings: {
    logits: IN,
    ids: IN_U32,
    dout: IN,
    /** forward: the per-row value; entropy: the per-row entropy. */
    out: OUT,
    lse: OUT,
    dlogits: OUT,
  },
  entryPoints: { forward: { workgroupSize: 64 }, backward: { workgroupSize: 256 }, entropy: { workgroupSize: 64 } },
  body,
});

/** sign 1: per-token log-probabilities; sign -1: cross-entropy. */
export function dispatchLogSoftmaxGather(
  ctx: GpuContext,
  out: GPUBuffer,
  lse: GPUBuffer,
  logits: GPUBuffer,
  ids: GPUBuffer,
  N: number,
  V: number,
  sign: number,
): void {
  ctx.run(LOGSOFTMAX, 'forward', {
    uniforms: { N, V, sign },
    buffers: { logits, ids, out, lse },
    size: { threads: N },
  });
}

export function dispatchLogSoftmaxGatherBackward(
  ctx: GpuContext,
  dlogits: GPUBuffer,
  dout: GPUBuffer,
  logits: GPUBuffer,
  lse: GPUBuffer,
  ids: GPUBuffer,
  N: number,
  V: number,
  sign: number,
): void {
  ctx.run(LOGSOFTMAX, 'backward', {
    uniforms: { N, V, sign },
    buffers: { logits, ids, dlogits, lse, dout },
    size: { threads: N * V },
  });
}

export function dispatchEntropy(ctx: GpuContext, out: GPUBuffer, logits: GPUBuffer, N: number, V: number): void {
  ctx.run(LOGSOFTMAX, 'entropy', { uniforms: { N, V, sign: 1 }, buffers: { logits, out }, size: { threads: N } });
}
