import { defineKernel, IN, OUT } from '../kernel';
import body from './reduce.wgsl?raw';

export type ReduceOp = 'sum' | 'mean' | 'max' | 'sumsq' | 'l2';

export const REDUCE = defineKernel({
  name: 'reduce',
  uniforms: { rows: 'u32', cols: 'u32', outOffset: 'u32' },
  bindings: { x: IN, out: OUT },
  // The tree in workgroup memory halves WG each round: a power of two.
  entryPoints: { main: { workgroupSize: 256 } },
  overrides: { OP: 'u32' },
  body,
});

/** The OP override of each reduction. */
export const REDUCE_OPS: Record<ReduceOp, number> = { sum: 0, mean: 1, max: 2, sumsq: 3, l2: 4 };
