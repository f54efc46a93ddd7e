import { grid1D, type GpuContext } from '../context';
import { u32 } from '../uniforms';
import code from './embedding.wgsl?raw';

const EMBEDDING = { name: 'embedding', code };

export function dispatchEmbedding(ctx: GpuContext, out: GPUBuffer, ids: GPUBuffer, table: GPUBuffer,
  N: number, C: number, V: number, accumulate: boolean): void {
  ctx.dispatch(EMBEDDING, [u32(N), u32(C), u32(V)], [ids, table, out], grid1D(N * C, 256),
    { entryPoint: 'forward', constants: { ACCUMULATE: accumulate } });
}

export function dispatchEmbeddingBackward(ctx: GpuContext, dtable: GPUBuffer, dout: GPUBuffer, ids: GPUBuffer,
  N: number, C: number, V: number): void {
  ctx.dispatch(EMBEDDING, [u32(N), u32(C), u32(V)], [ids, dout, dtable], [Math.ceil(C / 64), 1, 1], { entryPoint: 'backward' });
}
