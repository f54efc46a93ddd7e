import type { ReduceOp } from '../../backend/backend';
import { grid1D, type GpuContext } from '../context';
import { u32 } from '../uniforms';
import code from './reduce.wgsl?raw';

const REDUCE = { name: 'reduce', code };
const OPS: Record<ReduceOp, number> = { sum: 0, mean: 1, max: 2, sumsq: 3, l2: 4 };

export function dispatchReduce(ctx: GpuContext, out: GPUBuffer, x: GPUBuffer, rows: number, cols: number,
  op: ReduceOp, outOffset: number): void {
  ctx.dispatch(REDUCE, [u32(rows), u32(cols), u32(outOffset)], [x, out], grid1D(rows, 1), { constants: { OP: OPS[op] } });
}
