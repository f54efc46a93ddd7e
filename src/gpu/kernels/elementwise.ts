import type { GpuContext } from '../context';
import { defineKernel, IN, OUT } from '../kernel';
import body from './elementwise.wgsl?raw';

export const ELEMENTWISE = defineKernel({
  name: 'elementwise',
  uniforms: { n: 'u32', nb: 'u32', alpha: 'f32', beta: 'f32' },
  bindings: { a: IN, b: IN, out: OUT },
  entryPoints: {
    add: { workgroupSize: 256 },
    scale: { workgroupSize: 256 },
    fill: { workgroupSize: 256 },
    gelu: { workgroupSize: 256 },
    gelu_backward: { workgroupSize: 256 },
  },
  body,
});

type Entry = keyof typeof ELEMENTWISE.entryPoints;

function run(
  ctx: GpuContext,
  entry: Entry,
  n: number,
  nb: number,
  alpha: number,
  beta: number,
  buffers: { a?: GPUBuffer; b?: GPUBuffer; out: GPUBuffer },
): void {
  ctx.run(ELEMENTWISE, entry, { uniforms: { n, nb: Math.max(1, nb), alpha, beta }, buffers, size: { threads: n } });
}

/** out[i] = alpha a[i] + beta b[i mod nb]. */
export function dispatchAdd(
  ctx: GpuContext,
  out: GPUBuffer,
  a: GPUBuffer,
  b: GPUBuffer,
  n: number,
  nb: number,
  alpha: number,
  beta: number,
): void {
  run(ctx, 'add', n, nb, alpha, beta, { a, b, out });
}
export function dispatchScale(ctx: GpuContext, out: GPUBuffer, a: GPUBuffer, n: number, alpha: number): void {
  run(ctx, 'scale', n, 1, alpha, 0, { a, out });
}
export function dispatchFill(ctx: GpuContext, out: GPUBuffer, n: number, value: number): void {
  run(ctx, 'fill', n, 1, value, 0, { out });
}
export function dispatchGelu(ctx: GpuContext, out: GPUBuffer, x: GPUBuffer, n: number): void {
  run(ctx, 'gelu', n, 1, 0, 0, { a: x, out });
}
export function dispatchGeluBackward(ctx: GpuContext, dx: GPUBuffer, x: GPUBuffer, dout: GPUBuffer, n: number): void {
  run(ctx, 'gelu_backward', n, n, 0, 0, { a: x, b: dout, out: dx });
}
