// The task language: how scenes, descriptions and trajectories are written.
//   <img> <patch>... </img> question <desc> d </desc> <reason> r </reason> <ans> a </ans>

import { canonicalObjects, cellOf, COLS, ROWS, type Scene, type SceneObject } from './scene';
import { SPECIAL } from './vocab';

export const IMAGE_LABELS = ['first', 'second'] as const;

/** "large red circle top left" */
export function objectPhrase(o: SceneObject): string {
  const c = cellOf(o);
  return `${o.size} ${o.color} ${o.shape} ${ROWS[c.row]} ${COLS[c.col]}`;
}

export function positionPhrase(o: SceneObject): string {
  const c = cellOf(o);
  return `${ROWS[c.row]} ${COLS[c.col]}`;
}

/** Ground-truth description: objects in reading order; multi-image scenes are labelled. */
export function describe(scenes: readonly Scene[]): string {
  const one = (s: Scene) => canonicalObjects(s).map(objectPhrase).join(' , ');
  if (scenes.length === 1) return one(scenes[0]);
  return scenes.map((s, i) => `${IMAGE_LABELS[i]} : ${one(s)}`).join(' ; ');
}

/** The prompt: image blocks with patch placeholders, then the question, then the opening <desc>. */
export function promptText(question: string, images: number, patchesPerImage: number): string {
  const block = `${SPECIAL.img} ${Array(patchesPerImage).fill(SPECIAL.patch).join(' ')} ${SPECIAL.imgEnd}`;
  return `${Array(images).fill(block).join(' ')} ${question} ${SPECIAL.desc}`;
}

/** What the model generates after the prompt's <desc>. */
export function completionText(description: string, reasoning: string, answer: string): string {
  return `${description} ${SPECIAL.descEnd} ${SPECIAL.reason} ${reasoning} ${SPECIAL.reasonEnd} ${SPECIAL.ans} ${answer} ${SPECIAL.ansEnd}`;
}

export const plural = (shape: string) => `${shape}s`;
