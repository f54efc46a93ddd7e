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

function checkHead(s: AttentionShape): void {
  if (s.C % s.nHead !== 0) throw new Error(`attention: C = ${s.C} is not a multiple of ${s.nHead} heads`);
  if (s.C / s.nHead > 64) throw new Error(`attention: head size ${s.C / s.nHead} over 64`);
}

/** The uniforms of ATTENTION and ATTENTION_BACKWARD; throws for heads they cannot run. */
export function attentionUniforms(s: AttentionShape) {
  checkHead(s);
  return { B: s.B, T: s.T, C: s.C, NH: s.nHead, scale: 1 / Math.sqrt(s.C / s.nHead) };
}
