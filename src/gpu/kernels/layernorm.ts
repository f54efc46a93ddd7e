import type { GpuContext } from '../context';
import { defineKernel, IN, OUT } from '../kernel';
import body from './layernorm.wgsl?raw';
import paramsBody from './layernorm_params_backward.wgsl?raw';

export const LAYERNORM = defineKernel({
  name: 'layernorm',
  uniforms: { rows: 'u32', C: 'u32', eps: 'f32' },
  bindings: { x: IN, w: IN, bias: IN, dout: IN, out: OUT, dx: OUT, mean: OUT, rstd: OUT },
  entryPoints: { forward: { workgroupSize: 64 }, backward_dx: { workgroupSize: 64 } },
  body,
});

export const LAYERNORM_PARAMS = defineKernel({
  name: 'layernorm_params_backward',
  uniforms: { rows: 'u32', C: 'u32' },
  bindings: { x: IN, dout: IN, mean: IN, rstd: IN, dw: OUT, db: OUT },
  entryPoints: { main: { workgroupSize: 64 } },
  body: paramsBody,
});

export function dispatchLayerNorm(
  ctx: GpuContext,
  out: GPUBuffer,
  mean: GPUBuffer,
  rstd: GPUBuffer,
  x: GPUBuffer,
  w: GPUBuffer,
  b: GPUBuffer,
  rows: number,
  C: number,
  eps: number,
): void {
  ctx.run(LAYERNORM, 'forward', {
    uniforms: { rows, C, eps },
    buffers: { x, w, bias: b, out, mean, rstd },
    size: { threads: rows },
  });
}

export function dispatchLayerNormBackward(
  ctx: GpuContext,
  dx: GPUBuffer,
  dw: GPUBuffer,
  db: GPUBuffer,
  dout: GPUBuffer,
  x: GPUBuffer,
  mean: GPUBuffer,
  rstd: GPUBuffer,
  w: GPUBuffer,
  rows: number,
  C: number,
): void {
  ctx.run(LAYERNORM, 'backward_dx', {
    uniforms: { rows, C, eps: 0 },
    buffers: { x, w, dout, dx, mean, rstd },
    size: { threads: rows },
  });
  ctx.run(LAYERNORM_PARAMS, 'main', {
    uniforms: { rows, C },
    buffers: { x, dout, mean, rstd, dw, db },
    size: { threads: C },
  });
}
