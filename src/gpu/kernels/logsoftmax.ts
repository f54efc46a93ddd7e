import { defineKernel, IN, IN_U32, OUT } from '../kernel';
import body from './logsoftmax.wgsl?raw';

export const LOGSOFTMAX = defineKernel({
  name: 'logsoftmax',
  uniforms: { N: 'u32', V: 'u32', sign: 'f32' },
  bindings: {
    logits: IN,
    ids: IN_U32,
    dout: IN,
    /** forward: the per-row value; entropy: the per-row entropy. */
    out: OUT,
    lse: OUT,
    dlogits: OUT,
  },
  entryPoints: { forward: { workgroupSize: 64 }, backward: { workgroupSize: 256 }, entropy: { workgroupSize: 64 } },
  body,
});
