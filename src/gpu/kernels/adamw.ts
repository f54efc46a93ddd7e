import { defineKernel, IN, OUT } from '../kernel';
import body from './adamw.wgsl?raw';

export interface AdamWParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step for bias correction. */
  step: number;
  /** Clip the global gradient norm to this; <= 0 disables clipping. */
  maxGradNorm: number;
}

export const ADAMW = defineKernel({
  name: 'adamw',
  uniforms: {
    n: 'u32',
    nSlots: 'u32',
    lr: 'f32',
    beta1: 'f32',
    beta2: 'f32',
    eps: 'f32',
    wd: 'f32',
    bc1: 'f32',
    bc2: 'f32',
    maxNorm: 'f32',
  },
  bindings: { grad: IN, sumsq: IN, param: OUT, m: OUT, v: OUT },
  entryPoints: { main: { workgroupSize: 256 } },
  body,
});
