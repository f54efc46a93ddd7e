import type { AdamWArgs } from '../backend';
import type { Arr } from './arrays';

/** The factor every gradient is multiplied by so that the global norm is at most maxGradNorm. */
export function clipScale(sumsq: Arr, nSlots: number, maxGradNorm: number): number {
  if (maxGradNorm <= 0) return 1;
  let total = 0;
  for (let i = 0; i < nSlots; i++) total += sumsq[i];
  const norm = Math.sqrt(total);
  return norm > maxGradNorm ? maxGradNorm / (norm + 1e-6) : 1;
}

export function adamwRef({ param, grad, m, v, sumsq, nSlots, hp }: AdamWArgs<Arr>): void {
  const s = clipScale(sumsq, nSlots, hp.maxGradNorm);
  const bc1 = 1 - Math.pow(hp.beta1, hp.step);
  const bc2 = 1 - Math.pow(hp.beta2, hp.step);
  for (let i = 0; i < param.length; i++) {
    const g = grad[i] * s;
    m[i] = hp.beta1 * m[i] + (1 - hp.beta1) * g;
    v[i] = hp.beta2 * v[i] + (1 - hp.beta2) * g * g;
    const mh = m[i] / bc1;
    const vh = v[i] / bc2;
    param[i] -= hp.lr * (mh / (Math.sqrt(vh) + hp.eps) + hp.weightDecay * param[i]);
  }
}
