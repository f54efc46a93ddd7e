import { defineKernel, IN, OUT } from '../kernel';
import body from './layernorm.wgsl?raw';
import paramsBody from './layernorm_params_backward.wgsl?raw';

export const LAYERNORM = defineKernel({
  name: 'layernorm',
  uniforms: { rows: 'u32', C: 'u32', eps: 'f32' },
  bindings: { x: IN, w: IN, bias: IN, dout: IN, out: OUT, dx: OUT, mean: OUT, rstd: OUT },
  entryPoints: { forward: { workgroupSize: 64 }, backward_dx: { workgroupSize: 64 } },
  body,
});

export const LAYERNORM_PARAMS = defineKernel({
  name: 'layernorm_params_backward',
  uniforms: { rows: 'u32', C: 'u32' },
  bindings: { x: IN, dout: IN, mean: IN, rstd: IN, dw: OUT, db: OUT },
  entryPoints: { main: { workgroupSize: 64 } },
  body: paramsBody,
});
