import type { Backend, Tensor } from '../backend/backend';

/** out[M, O] = x[M, I] W[I, O] + b. */
export function linear(
  be: Backend,
  out: Tensor,
  x: Tensor,
  W: Tensor,
  b: Tensor | null,
  M: number,
  I: number,
  O: number,
  accumulate = false,
): void {
  be.matmul(out, x, W, b, M, O, I, { accumulate });
}

/**
 * dW += x^T dout, db += column sums of dout, and dx = dout W^T (overwritten,
 * or added when accumulateDx). dx may be null when the input needs no gradient.
 */
export function linearBackward(
  be: Backend,
  dx: Tensor | null,
  dW: Tensor,
  db: Tensor | null,
  dout: Tensor,
  x: Tensor,
  W: Tensor,
  M: number,
  I: number,
  O: number,
  accumulateDx = false,
): void {
  be.matmul(dW, x, dout, null, I, O, M, { transA: true, accumulate: true });
  if (db) be.biasBackward(db, dout, M, O);
  if (dx) be.matmul(dx, dout, W, null, M, I, O, { transB: true, accumulate: accumulateDx });
}
