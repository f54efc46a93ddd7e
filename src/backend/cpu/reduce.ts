import type { ReduceArgs } from '../backend';
import type { Arr } from './arrays';

export function reduceRef({ out, x, rows, cols, op, outOffset = 0 }: ReduceArgs<Arr>): void {
  for (let r = 0; r < rows; r++) {
    let acc = op === 'max' ? -Infinity : 0;
    for (let c = 0; c < cols; c++) {
      const v = x[r * cols + c];
      if (op === 'max') acc = Math.max(acc, v);
      else if (op === 'sumsq' || op === 'l2') acc += v * v;
      else acc += v;
    }
    if (op === 'mean') acc /= cols;
    if (op === 'l2') acc = Math.sqrt(acc);
    out[outOffset + r] = acc;
  }
}
