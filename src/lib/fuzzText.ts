// Random and damaged texts for fuzzing the decoders (run files, links, other frameworks' logs): pieces of JSON
// put together at random, and good texts cut, with a character dropped, or with one replaced.

import type { CounterRng } from './rng';

/** JSON's punctuation and literals, including the ones only Python writes (NaN, Infinity). */
export const JSON_PIECES: readonly string[] = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  'null',
  'true',
  '0',
  '1',
  '-1',
  '1e999',
  'NaN',
  '-Infinity',
  '\\',
  '"\\u00e9"',
  '"__proto__"',
];

/** 1 to `most` pieces drawn from `pieces`, joined. */
export const randomText = (rng: CounterRng, pieces: readonly string[], most: number): string =>
  Array.from({ length: 1 + rng.int(most) }, () => rng.pick(pieces)).join('');

/** `good` cut short at a random place, with one character dropped, or with one replaced by `replacement()`. */
export function damaged(rng: CounterRng, good: string, replacement: () => string): string {
  const at = rng.int(good.length);
  const r = rng.int(3);
  return r === 0
    ? good.slice(0, at)
    : r === 1
      ? good.slice(0, at) + good.slice(at + 1)
      : good.slice(0, at) + replacement() + good.slice(at + 1);
}
