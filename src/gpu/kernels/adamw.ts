import type { AdamWParams } from '../../backend/backend';
import { grid1D, type GpuContext } from '../context';
import { f32, u32 } from '../uniforms';
import code from './adamw.wgsl?raw';

const ADAMW = { name: 'adamw', code };

export function dispatchAdamW(ctx: GpuContext, param: GPUBuffer, grad: GPUBuffer, m: GPUBuffer, v: GPUBuffer,
  sumsq: GPUBuffer, n: number, nSlots: number, hp: AdamWParams): void {
  ctx.dispatch(ADAMW, [
    u32(n), u32(nSlots), f32(hp.lr), f32(hp.beta1), f32(hp.beta2), f32(hp.eps), f32(hp.weightDecay),
    f32(1 - Math.pow(hp.beta1, hp.step)), f32(1 - Math.pow(hp.beta2, hp.step)), f32(hp.maxGradNorm),
  ], [grad, sumsq, param, m, v], grid1D(n, 256));
}
