import type { SampleParams } from '../../backend/backend';
import { grid1D, type GpuContext } from '../context';
import { f32, u32 } from '../uniforms';
import rngCode from './rng.wgsl?raw';
import code from './sample.wgsl?raw';
import fillCode from './rng_fill.wgsl?raw';

const SAMPLE = { name: 'sample', code: rngCode + code };
const RNG_FILL = { name: 'rng_fill', code: rngCode + fillCode };
export const MAX_SAMPLE_VOCAB = 1024;

export function dispatchSample(ctx: GpuContext, outIds: GPUBuffer, logits: GPUBuffer, rowIds: GPUBuffer,
  positions: GPUBuffer, B: number, V: number, sp: SampleParams, outLogp: GPUBuffer | null): void {
  if (V > MAX_SAMPLE_VOCAB) throw new Error(`sample: vocabulary of ${V} over ${MAX_SAMPLE_VOCAB}`);
  if (B > 65535) throw new Error(`sample: ${B} rows over 65535`);
  ctx.dispatch(SAMPLE, [u32(B), u32(V), f32(sp.temperature), f32(sp.topP), u32(sp.seed >>> 0), u32(sp.stream >>> 0), u32(sp.step >>> 0), u32(outLogp ? 1 : 0)],
    [logits, rowIds, positions, outIds, outLogp ?? ctx.emptyBuffer], [Math.ceil(B / 64), 1, 1]);
}

/** out[i] = rngU32(seed, stream, step, i / width, i % width). */
export function dispatchRngFill(ctx: GpuContext, out: GPUBuffer, n: number, width: number, seed: number, stream: number, step: number): void {
  ctx.dispatch(RNG_FILL, [u32(n), u32(width), u32(seed >>> 0), u32(stream >>> 0), u32(step >>> 0)], [out], grid1D(n, 256));
}
