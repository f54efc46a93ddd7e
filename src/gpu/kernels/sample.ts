import type { GpuContext } from '../context';
import { defineKernel, IN, IN_U32, OUT, OUT_U32 } from '../kernel';
import rng from './rng.wgsl?raw';
import body from './sample.wgsl?raw';
import fillBody from './rng_fill.wgsl?raw';

export interface SampleParams {
  /** 0 means greedy (argmax, lowest index on ties). */
  temperature: number;
  /** Nucleus mass in (0, 1]; 1 keeps every token. */
  topP: number;
  seed: number;
  stream: number;
  step: number;
}

export const SAMPLE = defineKernel({
  name: 'sample',
  uniforms: {
    B: 'u32',
    V: 'u32',
    temperature: 'f32',
    topP: 'f32',
    seed: 'u32',
    stream: 'u32',
    step: 'u32',
    wantLogp: 'u32',
  },
  bindings: {
    logits: IN,
    rowIds: IN_U32,
    positions: IN_U32,
    outIds: OUT_U32,
    /** The drawn token's log softmax at temperature 1 (when wantLogp): the real pass of the MI score. */
    outLogp: OUT,
  },
  entryPoints: { main: { workgroupSize: 64 } },
  prelude: rng,
  body,
});

export const RNG_FILL = defineKernel({
  name: 'rng_fill',
  uniforms: { n: 'u32', width: 'u32', seed: 'u32', stream: 'u32', step: 'u32' },
  bindings: { out: OUT_U32 },
  entryPoints: { main: { workgroupSize: 256 } },
  prelude: rng,
  body: fillBody,
});

export const MAX_SAMPLE_VOCAB = 1024;

/** out[i] = rngU32(seed, stream, step, i / width, i % width). */
export function dispatchRngFill(
  ctx: GpuContext,
  out: GPUBuffer,
  n: number,
  width: number,
  seed: number,
  stream: number,
  step: number,
): void {
  ctx.run(RNG_FILL, 'main', {
    uniforms: { n, width, seed: seed >>> 0, stream: stream >>> 0, step: step >>> 0 },
    buffers: { out },
    size: { threads: n },
  });
}
