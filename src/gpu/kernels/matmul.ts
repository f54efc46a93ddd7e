import { defineKernel, IN, OUT } from '../kernel';
import body from './matmul.wgsl?raw';
import biasBody from './bias_backward.wgsl?raw';

export const MATMUL = defineKernel({
  name: 'matmul',
  uniforms: { M: 'u32', N: 'u32', K: 'u32', strideA: 'u32', strideB: 'u32', strideC: 'u32', alpha: 'f32' },
  bindings: { A: IN, B: IN, bias: IN, C: OUT },
  // The body's 64x64 tiles assume 16x16 threads of 4x4 outputs.
  entryPoints: { main: { workgroupSize: [16, 16] } },
  overrides: { TRANS_A: 'bool', TRANS_B: 'bool', HAS_BIAS: 'bool', ACCUMULATE: 'bool' },
  body,
});

export const BIAS_BACKWARD = defineKernel({
  name: 'bias_backward',
  uniforms: { M: 'u32', N: 'u32' },
  bindings: { dout: IN, dbias: OUT },
  entryPoints: { main: { workgroupSize: 64 } },
  body: biasBody,
});
