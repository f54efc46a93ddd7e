import type { GpuContext } from '../context';
import { defineKernel, IN, IN_U32, OUT } from '../kernel';
import body from './attention.wgsl?raw';
import backwardBody from './attention_backward.wgsl?raw';
import decodeBody from './attention_decode.wgsl?raw';

const dims = { B: 'u32', T: 'u32', C: 'u32', NH: 'u32', scale: 'f32' } as const;

export const ATTENTION = defineKernel({
  name: 'attention',
  uniforms: dims,
  bindings: { qkv: IN, prefix: IN_U32, out: OUT, att: OUT },
  entryPoints: { main: { workgroupSize: 64 } },
  body,
});

export const ATTENTION_BACKWARD = defineKernel({
  name: 'attention_backward',
  uniforms: dims,
  bindings: { qkv: IN, att: IN, dout: IN, dpre: OUT, dqkv: OUT },
  entryPoints: { backward_q: { workgroupSize: 64 }, backward_kv: { workgroupSize: 64 } },
  body: backwardBody,
});

export const ATTENTION_DECODE = defineKernel({
  name: 'attention_decode',
  uniforms: { B: 'u32', T: 'u32', Tmax: 'u32', C: 'u32', NH: 'u32', scale: 'f32' },
  bindings: {
    qkv: IN,
    /** kv_write: each row's first cache position. */
    rowStart: IN_U32,
    /** decode: each row's cache length. */
    rowLen: IN_U32,
    kCache: OUT,
    vCache: OUT,
    out: OUT,
  },
  entryPoints: { kv_write: { workgroupSize: 64 }, decode: { workgroupSize: 64 } },
  body: decodeBody,
});

export interface AttentionShape {
  B: number;
  T: number;
  C: number;
  nHead: number;
}

const uniforms = (s: AttentionShape) => ({ B: s.B, T: s.T, C: s.C, NH: s.nHead, scale: 1 / Math.sqrt(s.C / s.nHead) });

function checkHead(s: AttentionShape): void {
  if (s.C % s.nHead !== 0) throw new Error(`attention: C = ${s.C} is not a multiple of ${s.nHead} heads`);
  if (s.C / s.nHead > 64) throw new Error(`attention: head size ${s.C / s.nHead} over 64`);
}

export function dispatchAttention(
  ctx: GpuContext,
  out: GPUBuffer,
  att: GPUBuffer,
  qkv: GPUBuffer,
  prefix: GPUBuffer,
  s: AttentionShape,
): void {
  checkHead(s);
  ctx.run(ATTENTION, 'main', {
    uniforms: uniforms(s),
    buffers: { qkv, prefix, out, att },
    size: { threads: s.B * s.nHead * s.T },
  });
}

export function dispatchAttentionBackward(
  ctx: GpuContext,
  dqkv: GPUBuffer,
  dpre: GPUBuffer,
  dout: GPUBuffer,
  att: GPUBuffer,
  qkv: GPUBuffer,
  s: AttentionShape,
): void {
  checkHead(s);
  const args = {
    uniforms: uniforms(s),
    buffers: { qkv, att, dout, dpre, dqkv },
    size: { threads: s.B * s.nHead * s.T },
  };
  ctx.run(ATTENTION_BACKWARD, 'backward_q', args);
  ctx.run(ATTENTION_BACKWARD, 'backward_kv', args);
}

export function dispatchKvCacheWrite(
  ctx: GpuContext,
  kCache: GPUBuffer,
  vCache: GPUBuffer,
  qkv: GPUBuffer,
  start: GPUBuffer,
  B: number,
  T: number,
  Tmax: number,
  C: number,
): void {
  ctx.run(ATTENTION_DECODE, 'kv_write', {
    uniforms: { B, T, Tmax, C, NH: 1, scale: 0 },
    buffers: { qkv, rowStart: start, kCache, vCache },
    size: { threads: B * T * C },
  });
}

export function dispatchAttentionDecode(
  ctx: GpuContext,
  out: GPUBuffer,
  qkv: GPUBuffer,
  kCache: GPUBuffer,
  vCache: GPUBuffer,
  len: GPUBuffer,
  B: number,
  Tmax: number,
  C: number,
  nHead: number,
): void {
  if (C / nHead > 128) throw new Error(`attentionDecode: head size ${C / nHead} over 128`);
  ctx.run(ATTENTION_DECODE, 'decode', {
    uniforms: { B, T: 1, Tmax, C, NH: nHead, scale: 1 / Math.sqrt(C / nHead) },
    buffers: { qkv, rowLen: len, kCache, vCache, out },
    size: { threads: B * nHead },
  });
}
