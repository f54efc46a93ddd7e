import type { GpuContext } from '../context';
import { defineKernel, IN, IN_U32, OUT } from '../kernel';
import body from './embedding.wgsl?raw';

export const EMBEDDING = defineKernel({
  name: 'embedding',
  uniforms: { N: 'u32', C: 'u32', V: 'u32' },
  bindings: { ids: IN_U32, table: IN, dout: IN, out: OUT, dtable: OUT },
  entryPoints: { forward: { workgroupSize: 256 }, backward: { workgroupSize: 64 } },
  overrides: { ACCUMULATE: 'bool' },
  body,
});

export function dispatchEmbedding(
  ctx: GpuContext,
  out: GPUBuffer,
  ids: GPUBuffer,
  table: GPUBuffer,
  N: number,
  C: number,
  V: number,
  accumulate: boolean,
): void {
  ctx.run(EMBEDDING, 'forward', {
    uniforms: { N, C, V },
    buffers: { ids, table, out },
    size: { threads: N * C },
    constants: { ACCUMULATE: accumulate },
  });
}

/** One thread per channel, rows in order: deterministic without atomics. */
export function dispatchEmbeddingBackward(
  ctx: GpuContext,
  dtable: GPUBuffer,
  dout: GPUBuffer,
  ids: GPUBuffer,
  N: number,
  C: number,
  V: number,
): void {
  ctx.run(EMBEDDING, 'backward', { uniforms: { N, C, V }, buffers: { ids, dout, dtable }, size: { threads: C } });
}
