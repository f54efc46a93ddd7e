// Scenes: objects with shape, color, size and position on a 3x3 grid of cells,
// generated from a seed. Positions are continuous (jitter moves objects off
// the cell centres), but each object's centre stays in its own cell, so the
// description's position words are always well defined.

import { CounterRng } from '../lib/rng';

export const SHAPES = ['circle', 'square', 'triangle'] as const;
export const COLORS = ['red', 'green', 'blue', 'yellow'] as const;
export const SIZES = ['small', 'large'] as const;
export const ROWS = ['top', 'middle', 'bottom'] as const;
export const COLS = ['left', 'center', 'right'] as const;

export type Shape = (typeof SHAPES)[number];
export type Color = (typeof COLORS)[number];
export type Size = (typeof SIZES)[number];

export interface SceneObject {
  shape: Shape;
  color: Color;
  size: Size;
  /** Centre in [0, 1], x to the right, y down. */
  x: number;
  y: number;
}

export interface Scene {
  objects: SceneObject[];
  /** Pixel noise standard deviation used when rendering. */
  noise: number;
  /** Seed of the render noise. */
  noiseSeed: number;
}

export interface SceneKnobs {
  minObjects: number;
  maxObjects: number;
  /** Probability that each extra object copies the shape or color of one already placed (confusable scenes). */
  distractors: number;
  /** 0: objects at cell centres; 1: anywhere their centre stays inside the cell. */
  jitter: number;
  /** Pixel noise standard deviation (0..0.3). */
  noise: number;
  /** Probability that an object is pushed towards a neighbour so the two overlap. */
  occlusion: number;
}

export const DEFAULT_KNOBS: SceneKnobs = {
  minObjects: 2,
  maxObjects: 5,
  distractors: 0.3,
  jitter: 0.5,
  noise: 0.02,
  occlusion: 0.1,
};

export const RADIUS: Record<Size, number> = { small: 0.085, large: 0.135 };

export function cellOf(o: { x: number; y: number }): { row: number; col: number } {
  return { row: Math.min(2, Math.floor(o.y * 3)), col: Math.min(2, Math.floor(o.x * 3)) };
}

/** The knobs as the difficulty form labels them, so that a message names what the user sees. */
export const KNOB_LABELS: Record<keyof SceneKnobs, string> = {
  minObjects: 'min objects',
  maxObjects: 'max objects',
  distractors: 'distractors',
  jitter: 'jitter',
  noise: 'pixel noise',
  occlusion: 'occlusion',
};

export function validateKnobs(k: SceneKnobs): string | null {
  const L = KNOB_LABELS;
  if (!Number.isInteger(k.minObjects) || k.minObjects < 1 || k.minObjects > 9)
    return `${L.minObjects} must be an integer in [1, 9]`;
  if (!Number.isInteger(k.maxObjects) || k.maxObjects < 1 || k.maxObjects > 9)
    return `${L.maxObjects} must be an integer in [1, 9]`;
  if (k.minObjects > k.maxObjects)
    return `${L.minObjects} (${k.minObjects}) must be at most ${L.maxObjects} (${k.maxObjects})`;
  for (const key of ['distractors', 'jitter', 'occlusion'] as const)
    if (!(k[key] >= 0 && k[key] <= 1)) return `${L[key]} must be in [0, 1]`;
  if (!(k.noise >= 0 && k.noise <= 0.3)) return `${L.noise} must be in [0, 0.3]`;
  return null;
}

/** A scene from an RNG line; the caller decides which line (seed, stream, step, row). */
export function generateScene(rng: CounterRng, knobs: SceneKnobs = DEFAULT_KNOBS): Scene {
  const err = validateKnobs(knobs);
  if (err) throw new Error(`scene knobs: ${err}`);
  const n = knobs.minObjects + rng.int(knobs.maxObjects - knobs.minObjects + 1);
  const cells = rng.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8]).slice(0, n);
  const objects: SceneObject[] = [];
  for (const cell of cells) {
    let shape: Shape = rng.pick(SHAPES);
    let color: Color = rng.pick(COLORS);
    if (objects.length > 0 && rng.next() < knobs.distractors) {
      const twin = rng.pick(objects);
      if (rng.next() < 0.5) shape = twin.shape;
      else color = twin.color;
    }
    const size: Size = rng.pick(SIZES);
    const row = Math.floor(cell / 3);
    const col = cell % 3;
    // Jitter within the cell, keeping the centre at least 0.02 inside it.
    const span = (1 / 3 - 0.04) * knobs.jitter;
    let x = (col + 0.5) / 3 + (rng.next() - 0.5) * span;
    let y = (row + 0.5) / 3 + (rng.next() - 0.5) * span;
    if (rng.next() < knobs.occlusion) {
      // Push towards the nearest cell edge: large shapes then overlap a neighbour's.
      const dx = rng.next() < 0.5 ? -1 : 1;
      x = Math.min(Math.max(x + dx * 0.12, col / 3 + 0.02), (col + 1) / 3 - 0.02);
      y = Math.min(Math.max(y + (rng.next() - 0.5) * 0.1, row / 3 + 0.02), (row + 1) / 3 - 0.02);
    }
    objects.push({ shape, color, size, x: round4(x), y: round4(y) });
  }
  return { objects, noise: knobs.noise, noiseSeed: rng.u32() };
}

/** Positions are kept to 4 decimals so a scene survives JSON exactly. */
function round4(v: number): number {
  return Math.round(v * 10000) / 10000;
}

/** Canonical order: reading order of the cells (top-left first). */
export function canonicalObjects(scene: Scene): SceneObject[] {
  const key = (o: SceneObject) => {
    const c = cellOf(o);
    return c.row * 3 + c.col;
  };
  return [...scene.objects].sort((a, b) => key(a) - key(b));
}
