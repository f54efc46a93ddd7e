import { grid1D, type GpuContext } from '../context';
import { u32 } from '../uniforms';
import code from './half.wgsl?raw';

const HALF = { name: 'half', code };

/** out[i] = the i-th IEEE half in `packed` (two per u32, low half first), as f32. */
export function dispatchHalfToFloat(ctx: GpuContext, out: GPUBuffer, packed: GPUBuffer, n: number): void {
  ctx.dispatch(HALF, [u32(n)], [packed, out], grid1D(n, 256));
}
