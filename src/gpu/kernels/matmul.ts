import type { GpuContext } from '../context';
import { defineKernel, IN, OUT } from '../kernel';
import body from './matmul.wgsl?raw';
import biasBody from './bias_backward.wgsl?raw';

export const MATMUL = defineKernel({
  name: 'matmul',
  uniforms: { M: 'u32', N: 'u32', K: 'u32', strideA: 'u32', strideB: 'u32', strideC: 'u32', alpha: 'f32' },
  bindings: { A: IN, B: IN, bias: IN, C: OUT },
  // The body's 64x64 tiles assume 16x16 threads of 4x4 outputs.
  entryPoints: { main: { workgroupSize: [16, 16] } },
  overrides: { TRANS_A: 'bool', TRANS_B: 'bool', HAS_BIAS: 'bool', ACCUMULATE: 'bool' },
  body,
});

export const BIAS_BACKWARD = defineKernel({
  name: 'bias_backward',
  uniforms: { M: 'u32', N: 'u32' },
  bindings: { dout: IN, dbias: OUT },
  entryPoints: { main: { workgroupSize: 64 } },
  body: biasBody,
});

export interface MatmulArgs {
  M: number;
  N: number;
  K: number;
  batch: number;
  strideA: number;
  strideB: number;
  strideC: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  accumulate: boolean;
}

export function dispatchMatmul(
  ctx: GpuContext,
  out: GPUBuffer,
  a: GPUBuffer,
  b: GPUBuffer,
  bias: GPUBuffer | null,
  x: MatmulArgs,
): void {
  ctx.run(MATMUL, 'main', {
    uniforms: { M: x.M, N: x.N, K: x.K, strideA: x.strideA, strideB: x.strideB, strideC: x.strideC, alpha: x.alpha },
    buffers: { A: a, B: b, C: out, ...(bias ? { bias } : {}) },
    size: { grid: [Math.ceil(x.N / 64), Math.ceil(x.M / 64), x.batch] },
    constants: { TRANS_A: x.transA, TRANS_B: x.transB, HAS_BIAS: bias !== null, ACCUMULATE: x.accumulate },
  });
}

export function dispatchBiasBackward(ctx: GpuContext, dbias: GPUBuffer, dout: GPUBuffer, M: number, N: number): void {
  ctx.run(BIAS_BACKWARD, 'main', { uniforms: { M, N }, buffers: { dout, dbias }, size: { threads: N } });
}
