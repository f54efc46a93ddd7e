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
