import { grid1D, type GpuContext } from '../context';
import { f32, u32 } from '../uniforms';
import code from './attention.wgsl?raw';
import backwardCode from './attention_backward.wgsl?raw';
import decodeCode from './attention_decode.wgsl?raw';

const ATTENTION = { name: 'attention', code };
const ATTENTION_BACKWARD = { name: 'attention_backward', code: backwardCode };
const ATTENTION_DECODE = { name: 'attention_decode', code: decodeCode };

export interface AttnDims { B: number; T: number; C: number; nHead: number }

const uniforms = (s: AttnDims) => [u32(s.B), u32(s.T), u32(s.C), u32(s.nHead), f32(1 / Math.sqrt(s.C / s.nHead))];

function checkHead(s: AttnDims): void {
  if (s.C % s.nHead !== 0) throw new Error(`attention: C = ${s.C} is not a multiple of ${s.nHead} heads`);
  if (s.C / s.nHead > 64) throw new Error(`attention: head size ${s.C / s.nHead} over 64`);
}

export function dispatchAttention(ctx: GpuContext, out: GPUBuffer, att: GPUBuffer, qkv: GPUBuffer, prefix: GPUBuffer, s: AttnDims): void {
  checkHead(s);
  ctx.dispatch(ATTENTION, uniforms(s), [qkv, prefix, out, att], grid1D(s.B * s.nHead * s.T, 64));
}

export function dispatchAttentionBackward(ctx: GpuContext, dqkv: GPUBuffer, dpre: GPUBuffer, dout: GPUBuffer,
  att: GPUBuffer, qkv: GPUBuffer, s: AttnDims): void {
  checkHead(s);
  const g = grid1D(s.B * s.nHead * s.T, 64);
  ctx.dispatch(ATTENTION_BACKWARD, uniforms(s), [qkv, att, dout, dpre, dqkv], g, { entryPoint: 'backward_q' });
  ctx.dispatch(ATTENTION_BACKWARD, uniforms(s), [qkv, att, dout, dpre, dqkv], g, { entryPoint: 'backward_kv' });
}

export function dispatchKvCacheWrite(ctx: GpuContext, kCache: GPUBuffer, vCache: GPUBuffer, qkv: GPUBuffer,
  start: GPUBuffer, B: number, T: number, Tmax: number, C: number): void {
  ctx.dispatch(ATTENTION_DECODE, [u32(B), u32(T), u32(Tmax), u32(C), u32(1), f32(0)],
    [qkv, start, kCache, vCache, null], grid1D(B * T * C, 64), { entryPoint: 'kv_write' });
}

export function dispatchAttentionDecode(ctx: GpuContext, out: GPUBuffer, qkv: GPUBuffer, kCache: GPUBuffer,
  vCache: GPUBuffer, len: GPUBuffer, B: number, Tmax: number, C: number, nHead: number): void {
  if (C / nHead > 128) throw new Error(`attentionDecode: head size ${C / nHead} over 128`);
  ctx.dispatch(ATTENTION_DECODE, [u32(B), u32(1), u32(Tmax), u32(C), u32(nHead), f32(1 / Math.sqrt(C / nHead))],
    [qkv, len, kCache, vCache, out], [Math.ceil((B * nHead) / 64), 1, 1], { entryPoint: 'decode' });
}
