import { grid1D, type GpuContext } from '../context';
import { f32, u32 } from '../uniforms';
import code from './logsoftmax.wgsl?raw';

const LOGSOFTMAX = { name: 'logsoftmax', code };

/** sign 1: per-token log-probabilities; sign -1: cross-entropy. */
export function dispatchLogSoftmaxGather(ctx: GpuContext, out: GPUBuffer, lse: GPUBuffer, logits: GPUBuffer,
  ids: GPUBuffer, N: number, V: number, sign: number): void {
  ctx.dispatch(LOGSOFTMAX, [u32(N), u32(V), f32(sign)], [logits, ids, out, lse, null], grid1D(N, 64), { entryPoint: 'forward' });
}

export function dispatchLogSoftmaxGatherBackward(ctx: GpuContext, dlogits: GPUBuffer, dout: GPUBuffer, logits: GPUBuffer,
  lse: GPUBuffer, ids: GPUBuffer, N: number, V: number, sign: number): void {
  ctx.dispatch(LOGSOFTMAX, [u32(N), u32(V), f32(sign)], [logits, ids, dlogits, lse, dout], grid1D(N * V, 256), { entryPoint: 'backward' });
}

export function dispatchEntropy(ctx: GpuContext, out: GPUBuffer, logits: GPUBuffer, N: number, V: number): void {
  ctx.dispatch(LOGSOFTMAX, [u32(N), u32(V), f32(1)], [logits, null, out, null, null], grid1D(N, 64), { entryPoint: 'entropy' });
}
