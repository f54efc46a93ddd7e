// The blind-guess floor of a family mix: each family's best constant answer on
// generated problems, averaged (training rotates families evenly). Memoised.
import type { FamilyName } from './families';
import { generateProblem } from './problem';

const cache = new Map<string, number>();

function familyFloor(f: FamilyName, n = 300): number {
  const key = `${f}:${n}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const freq = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const a = generateProblem(7, i, { families: [f] }).answer;
    freq.set(a, (freq.get(a) ?? 0) + 1);
  }
  const v = Math.max(...freq.values()) / n;
  cache.set(key, v);
  return v;
}

export function blindFloor(families: readonly FamilyName[]): number {
  return families.length ? families.reduce((s, f) => s + familyFloor(f), 0) / families.length : 0;
}
