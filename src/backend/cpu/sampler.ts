import type { SampleArgs } from '../backend';
import { rngUniform } from '../../lib/rng';
import type { Arr } from './arrays';
import { logSoftmaxAt } from './rl';

export interface RowSample {
  id: number;
  /** Distance of the drawn target to the nearest cumulative boundary, over the kept mass: how close the draw was to a tie. */
  margin: number;
}

/**
 * Draw one token from a row of logits with uniform u. The nucleus holds every
 * token whose strictly-more-probable mass (ties broken by lower index) is below
 * topP of the total; the draw walks the kept tokens in index order. The WGSL
 * sampler does exactly this, so the two agree except at float ties.
 */
export function sampleRowRef(
  logits: Arr,
  o: number,
  V: number,
  u: number,
  temperature: number,
  topP: number,
): RowSample {
  if (temperature <= 0) {
    let best = 0;
    for (let v = 1; v < V; v++) if (logits[o + v] > logits[o + best]) best = v;
    return { id: best, margin: 1 };
  }
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, logits[o + v] / temperature);
  const p = new Float64Array(V);
  let Z = 0;
  for (let v = 0; v < V; v++) {
    p[v] = Math.exp(logits[o + v] / temperature - max);
    Z += p[v];
  }
  const keep = new Uint8Array(V);
  for (let v = 0; v < V; v++) {
    if (topP >= 1) {
      keep[v] = 1;
      continue;
    }
    let above = 0;
    for (let w = 0; w < V; w++) if (p[w] > p[v] || (p[w] === p[v] && w < v)) above += p[w];
    keep[v] = above < topP * Z ? 1 : 0;
  }
  let Zk = 0;
  for (let v = 0; v < V; v++) if (keep[v]) Zk += p[v];
  const target = u * Zk;
  let cum = 0;
  let chosen = -1;
  let margin = Infinity;
  for (let v = 0; v < V; v++) {
    if (!keep[v]) continue;
    cum += p[v];
    margin = Math.min(margin, Math.abs(cum - target) / Zk);
    if (chosen < 0 && cum > target) chosen = v;
  }
  if (chosen < 0)
    for (let v = V - 1; v >= 0; v--)
      if (keep[v]) {
        chosen = v;
        break;
      }
  return { id: chosen, margin };
}

/** margins[b], when given: the drawn token's distance to the edge of its choice (the kernels' check). */
export function sampleRef(
  { outIds, logits, rowIds, positions, B, V, p: sp, outLogp }: SampleArgs<Arr>,
  margins?: Arr,
): void {
  for (let b = 0; b < B; b++) {
    const u = rngUniform(sp.seed, sp.stream, sp.step, rowIds[b], positions[b]);
    const r = sampleRowRef(logits, b * V, V, u, sp.temperature, sp.topP);
    outIds[b] = r.id;
    if (margins) margins[b] = r.margin;
    if (outLogp) outLogp[b] = logSoftmaxAt(logits, b * V, V, r.id);
  }
}
