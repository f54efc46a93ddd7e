import type { GpuContext } from '../context';
import { defineKernel, IN_U32, OUT } from '../kernel';
import body from './half.wgsl?raw';

export const HALF = defineKernel({
  name: 'half',
  uniforms: { n: 'u32' },
  bindings: { packed: IN_U32, out: OUT },
  entryPoints: { main: { workgroupSize: 256 } },
  body,
});

/** out[i] = the i-th IEEE half in `packed` (two per u32, low half first), as f32. */
export function dispatchHalfToFloat(ctx: GpuContext, out: GPUBuffer, packed: GPUBuffer, n: number): void {
  ctx.run(HALF, 'main', { uniforms: { n }, buffers: { packed, out }, size: { threads: n } });
}
