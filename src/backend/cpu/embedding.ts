import type { EmbeddingArgs, EmbeddingBackwardArgs } from '../backend';
import type { Arr } from './arrays';

export function embeddingRef({ out, ids, table, N, C, accumulate = false }: EmbeddingArgs<Arr>): void {
  const V = table.length / C;
  for (let n = 0; n < N; n++) {
    const id = ids[n];
    for (let c = 0; c < C; c++) {
      const v = id < V ? table[id * C + c] : 0;
      out[n * C + c] = accumulate ? out[n * C + c] + v : v;
    }
  }
}

export function embeddingBackwardRef({ dtable, dout, ids, N, C }: EmbeddingBackwardArgs<Arr>): void {
  const V = dtable.length / C;
  for (let n = 0; n < N; n++) {
    const id = ids[n];
    if (id >= V) continue;
    for (let c = 0; c < C; c++) dtable[id * C + c] += dout[n * C + c];
  }
}
