// Corrupted copies of a ground-truth description, one per class, for checking
// a perception reward against known-bad outputs (the reward check). Each
// corruption damages one scene's description; two-image problems get one copy
// per scene and class.

import type { CounterRng } from '../lib/rng';
import { IMAGE_LABELS } from './language';
import type { Problem } from './problem';
import { canonicalObjects, cellOf, COLORS, COLS, ROWS, SHAPES, SIZES } from './scene';

export const CORRUPTIONS = [
  'drop_object',
  'add_object',
  'drop_shape',
  'drop_size',
  'change_color',
  'change_shape',
  'change_position',
  'duplicate_object',
  'truncate',
  'reorder',
] as const;
export type Corruption = (typeof CORRUPTIONS)[number];

/** The class whose damage some rewards rightly ignore: objects in a non-canonical order. */
export const ORDER_CLASS: Corruption = 'reorder';

export interface Corrupted {
  cls: Corruption;
  /** Which scene was damaged. */
  scene: number;
  words: string[];
}

/** An object as its five words: size colour shape row col. */
type Obj = string[];

const CELL = (o: Obj) => ROWS.indexOf(o[3] as (typeof ROWS)[number]) * 3 + COLS.indexOf(o[4] as (typeof COLS)[number]);

function assemble(scenes: readonly Obj[][], labelled: boolean): string[] {
  const one = (objs: readonly Obj[]) => objs.flatMap((o, i) => (i === 0 ? o : [',', ...o]));
  if (!labelled) return one(scenes[0]);
  return scenes.flatMap((objs, i) => [...(i === 0 ? [] : [';']), IMAGE_LABELS[i], ':', ...one(objs)]);
}

/** Cells of the 3x3 grid that no object names. */
function freeCells(objs: readonly Obj[]): number[] {
  const used = new Set(objs.map(CELL));
  return Array.from({ length: 9 }, (_, c) => c).filter((c) => !used.has(c));
}

function other<T>(rng: CounterRng, xs: readonly T[], not: T): T {
  const rest = xs.filter((x) => x !== not);
  return rest[rng.int(rest.length)];
}

/** One scene's objects under a corruption, or null where the class does not apply (e.g. dropping the only object). */
function corruptScene(objs: readonly Obj[], cls: Corruption, rng: CounterRng): Obj[] | 'truncate' | null {
  const n = objs.length;
  const i = rng.int(n);
  const copy = objs.map((o) => [...o]);
  switch (cls) {
    case 'drop_object':
      return n < 2 ? null : copy.filter((_, j) => j !== i);
    case 'add_object': {
      // a hallucinated object in a free cell, well formed, in reading order
      const free = freeCells(copy);
      if (free.length === 0) return null;
      const c = free[rng.int(free.length)];
      copy.push([
        SIZES[rng.int(2)],
        COLORS[rng.int(COLORS.length)],
        SHAPES[rng.int(SHAPES.length)],
        ROWS[Math.floor(c / 3)],
        COLS[c % 3],
      ]);
      return copy.sort((a, b) => CELL(a) - CELL(b));
    }
    case 'drop_shape':
      return copy.map((o) => o.filter((_, j) => j !== 2));
    case 'drop_size':
      return copy.map((o) => o.filter((_, j) => j !== 0));
    case 'change_color':
      copy[i][1] = other(rng, COLORS, copy[i][1] as (typeof COLORS)[number]);
      return copy;
    case 'change_shape':
      copy[i][2] = other(rng, SHAPES, copy[i][2] as (typeof SHAPES)[number]);
      return copy;
    case 'change_position': {
      const free = freeCells(copy);
      if (free.length === 0) return null;
      const c = free[rng.int(free.length)];
      copy[i][3] = ROWS[Math.floor(c / 3)];
      copy[i][4] = COLS[c % 3];
      return copy.sort((a, b) => CELL(a) - CELL(b)); // still in reading order: only the position is wrong
    }
    case 'duplicate_object':
      copy.splice(i + 1, 0, [...copy[i]]);
      return copy;
    case 'truncate':
      return 'truncate';
    case 'reorder': {
      if (n < 2) return null;
      let perm = copy;
      while (perm.every((o, j) => o === copy[j])) perm = rng.shuffle([...copy]);
      return perm;
    }
  }
}

/** The ground-truth description's words and its corrupted copies (classes that do not apply are left out). */
export function corruptions(p: Problem, rng: CounterRng): { truth: string[]; copies: Corrupted[] } {
  const scenes: Obj[][] = p.scenes.map((s) =>
    canonicalObjects(s).map((o) => {
      const c = cellOf(o);
      return [o.size, o.color, o.shape, ROWS[c.row], COLS[c.col]];
    }),
  );
  const labelled = scenes.length > 1;
  const truth = assemble(scenes, labelled);
  const copies: Corrupted[] = [];
  for (const cls of CORRUPTIONS) {
    scenes.forEach((objs, s) => {
      const r = corruptScene(objs, cls, rng);
      if (r === null) return;
      if (r === 'truncate') {
        // cut mid-object: keep the objects before object j and 1-4 of its 5 words
        const j = rng.int(objs.length);
        const keepWords = 1 + rng.int(4);
        const kept = [...objs.slice(0, j), objs[j].slice(0, keepWords)];
        const words = assemble([...scenes.slice(0, s), kept], labelled);
        copies.push({ cls, scene: s, words });
        return;
      }
      copies.push({
        cls,
        scene: s,
        words: assemble(
          scenes.map((o, k) => (k === s ? r : o)),
          labelled,
        ),
      });
    });
  }
  return { truth, copies };
}
