import { grid1D, type GpuContext } from '../context';
import { f32, u32 } from '../uniforms';
import code from './layernorm.wgsl?raw';
import paramsCode from './layernorm_params_backward.wgsl?raw';

const LAYERNORM = { name: 'layernorm', code };
const LAYERNORM_PARAMS = { name: 'layernorm_params_backward', code: paramsCode };

export function dispatchLayerNorm(ctx: GpuContext, out: GPUBuffer, mean: GPUBuffer, rstd: GPUBuffer,
  x: GPUBuffer, w: GPUBuffer, b: GPUBuffer, rows: number, C: number, eps: number): void {
  ctx.dispatch(LAYERNORM, [u32(rows), u32(C), f32(eps)], [x, w, b, out, mean, rstd], grid1D(rows, 64), { entryPoint: 'forward' });
}

export function dispatchLayerNormBackward(ctx: GpuContext, dx: GPUBuffer, dw: GPUBuffer, db: GPUBuffer,
  dout: GPUBuffer, x: GPUBuffer, mean: GPUBuffer, rstd: GPUBuffer, w: GPUBuffer, rows: number, C: number): void {
  ctx.dispatch(LAYERNORM, [u32(rows), u32(C), f32(0)], [x, w, dout, dx, mean, rstd], grid1D(rows, 64), { entryPoint: 'backward_dx' });
  ctx.dispatch(LAYERNORM_PARAMS, [u32(rows), u32(C)], [x, dout, mean, rstd, dw, db], [Math.ceil(C / 64), 1, 1]);
}
