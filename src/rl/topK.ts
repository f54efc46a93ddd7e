// MIRL's fork choice: which pre-samples of each group go on to answers. On the host, as
// the gate that ranks them needs the parsed descriptions there already.

/** keep[g * N + i] = 1 for the k highest scores of group g (groups of N), 0 otherwise; ties go to the lower index. */
export function topKMask(scores: ArrayLike<number>, G: number, N: number, k: number): number[] {
  const keep = new Array<number>(G * N).fill(0);
  // NaN ranks below every number (else it would count nothing above it and be kept, beyond k)
  const above = (a: number, b: number) => (Number.isNaN(b) ? !Number.isNaN(a) : a > b);
  for (let g = 0; g < G; g++) {
    for (let i = 0; i < N; i++) {
      const si = scores[g * N + i];
      let rank = 0;
      for (let j = 0; j < N; j++) {
        const sj = scores[g * N + j];
        if (above(sj, si) || ((sj === si || (Number.isNaN(sj) && Number.isNaN(si))) && j < i)) rank++;
      }
      keep[g * N + i] = rank < k ? 1 : 0;
    }
  }
  return keep;
}
