import type { GpuContext } from '../context';
import { f32, u32 } from '../uniforms';
import code from './matmul.wgsl?raw';
import biasCode from './bias_backward.wgsl?raw';

const MATMUL = { name: 'matmul', code };
const BIAS_BACKWARD = { name: 'bias_backward', code: biasCode };

export interface MatmulArgs {
  M: number; N: number; K: number;
  batch: number;
  strideA: number; strideB: number; strideC: number;
  transA: boolean; transB: boolean;
  alpha: number; accumulate: boolean;
}

export function dispatchMatmul(
  ctx: GpuContext, out: GPUBuffer, a: GPUBuffer, b: GPUBuffer, bias: GPUBuffer | null, x: MatmulArgs,
): void {
  ctx.dispatch(
    MATMUL,
    [u32(x.M), u32(x.N), u32(x.K), u32(x.strideA), u32(x.strideB), u32(x.strideC), f32(x.alpha)],
    [a, b, bias ?? ctx.emptyBuffer, out],
    [Math.ceil(x.N / 64), Math.ceil(x.M / 64), x.batch],
    { constants: { TRANS_A: x.transA, TRANS_B: x.transB, HAS_BIAS: bias !== null, ACCUMULATE: x.accumulate } },
  );
}

export function dispatchBiasBackward(ctx: GpuContext, dbias: GPUBuffer, dout: GPUBuffer, M: number, N: number): void {
  ctx.dispatch(BIAS_BACKWARD, [u32(M), u32(N)], [dout, dbias], [Math.ceil(N / 64), 1, 1]);
}
