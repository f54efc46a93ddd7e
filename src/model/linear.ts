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
  be.matmul({ out, a: x, b: W, bias: b, M, N: O, K: I, accumulate });
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
  be.matmul({ out: dW, a: x, b: dout, M: I, N: O, K: M, transA: true, accumulate: true });
  if (db) be.biasBackward({ dbias: db, dout, M, N: O });
  if (dx) be.matmul({ out: dx, a: dout, b: W, M, N: I, K: O, transB: true, accumulate: accumulateDx });
}
