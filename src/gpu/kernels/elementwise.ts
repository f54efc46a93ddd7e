import { grid1D, type GpuContext } from '../context';
import { f32, u32 } from '../uniforms';
import code from './elementwise.wgsl?raw';

const ELEMENTWISE = { name: 'elementwise', code };

function run(ctx: GpuContext, entryPoint: string, n: number, nb: number, alpha: number, beta: number,
  a: GPUBuffer | null, b: GPUBuffer | null, out: GPUBuffer): void {
  ctx.dispatch(ELEMENTWISE, [u32(n), u32(Math.max(1, nb)), f32(alpha), f32(beta)], [a, b, out], grid1D(n, 256), { entryPoint });
}

/** out[i] = alpha a[i] + beta b[i mod nb]. */
export function dispatchAdd(ctx: GpuContext, out: GPUBuffer, a: GPUBuffer, b: GPUBuffer, n: number, nb: number, alpha: number, beta: number): void {
  run(ctx, 'add', n, nb, alpha, beta, a, b, out);
}
export function dispatchScale(ctx: GpuContext, out: GPUBuffer, a: GPUBuffer, n: number, alpha: number): void {
  run(ctx, 'scale', n, 1, alpha, 0, a, null, out);
}
export function dispatchFill(ctx: GpuContext, out: GPUBuffer, n: number, value: number): void {
  run(ctx, 'fill', n, 1, value, 0, null, null, out);
}
export function dispatchGelu(ctx: GpuContext, out: GPUBuffer, x: GPUBuffer, n: number): void {
  run(ctx, 'gelu', n, 1, 0, 0, x, null, out);
}
export function dispatchGeluBackward(ctx: GpuContext, dx: GPUBuffer, x: GPUBuffer, dout: GPUBuffer, n: number): void {
  run(ctx, 'gelu_backward', n, n, 0, 0, x, dout, dx);
}
