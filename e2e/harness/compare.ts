import type { Data } from './cases';

export interface Comparison {
  relErr: number;
  error: string | null;
}

/**
 * Normwise relative error max|gpu - cpu| / max|cpu|. Any NaN or infinity in
 * the GPU output fails (outputs start poisoned, so an unwritten element shows
 * up here), and so does an all-zero reference, which would prove nothing.
 */
export function compare(gpu: Data, cpu: Data, tol: number): Comparison {
  if (gpu.length !== cpu.length) return { relErr: Infinity, error: `length ${gpu.length} vs ${cpu.length}` };
  let maxRef = 0;
  let maxDiff = 0;
  let worst = -1;
  for (let i = 0; i < cpu.length; i++) {
    const g = gpu[i];
    const c = cpu[i];
    if (!Number.isFinite(g)) return { relErr: Infinity, error: `gpu[${i}] = ${g} (cpu ${c})` };
    maxRef = Math.max(maxRef, Math.abs(c));
    const d = Math.abs(g - c);
    if (d > maxDiff) {
      maxDiff = d;
      worst = i;
    }
  }
  if (maxRef === 0) return { relErr: Infinity, error: 'reference output is all zeros' };
  const relErr = maxDiff / maxRef;
  return {
    relErr,
    error:
      relErr < tol
        ? null
        : `relative error ${relErr.toExponential(2)} >= ${tol} (worst at ${worst}: gpu ${gpu[worst]} cpu ${cpu[worst]})`,
  };
}
