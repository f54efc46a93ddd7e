// Boxes for the grounding families: where an object is, as the renderer draws it, written in the
// task language's numbers, and the two ways a predicted box is scored: Visual-RFT's IoU reward
// (greedy matching at IoU > 0.5, matched IoUs summed over max(#truth, #predicted)) and MIRG-RL's
// dual reward (the right image, then the box in it).

import { RADIUS, type SceneObject } from './scene';

/**
 * Box coordinates count in 18ths of the image (2 px of the 36): the numbers 0-18 of the vocabulary, fine
 * enough that a small object's box is narrower than a large one's.
 */
export const BOX_GRID = 18;

/** [x0, y0, x1, y1] in grid units, x0 < x1 and y0 < y1. */
export type Box = readonly [number, number, number, number];

/**
 * The smallest grid box around the object's shape as render.ts draws it (circle: radius r; square:
 * half-side 0.86r; triangle: apex r above the centre, base 0.8r below, 1.1r to each side).
 */
export function objectBox(o: SceneObject): Box {
  const r = RADIUS[o.size];
  const [hx, up, down] =
    o.shape === 'circle' ? [r, r, r] : o.shape === 'square' ? [0.86 * r, 0.86 * r, 0.86 * r] : [1.1 * r, r, 0.8 * r];
  const lo = (v: number) => Math.max(0, Math.floor(v * BOX_GRID + 1e-9));
  const hi = (v: number) => Math.min(BOX_GRID, Math.ceil(v * BOX_GRID - 1e-9));
  return [lo(o.x - hx), lo(o.y - up), hi(o.x + hx), hi(o.y + down)];
}

export const boxText = (b: Box): string => b.join(' ');
/** Boxes in an answer are separated by ";". */
export const boxesText = (bs: readonly Box[]): string => bs.map(boxText).join(' ; ');

/** A box from four words, or null unless they are integers of the grid with x0 < x1 and y0 < y1. */
function parseBox(ws: readonly string[]): Box | null {
  if (ws.length !== 4 || !ws.every((w) => /^\d+$/.test(w))) return null;
  const b = ws.map(Number) as unknown as Box;
  if (b.some((v) => v > BOX_GRID) || b[0] >= b[2] || b[1] >= b[3]) return null;
  return b;
}

/** The boxes of an answer, in the order written, or null when any part is not a box. */
export function parseBoxes(ws: readonly string[]): Box[] | null {
  if (ws.length === 0) return null;
  const out: Box[] = [];
  let cur: string[] = [];
  for (const w of [...ws, ';']) {
    if (w !== ';') {
      cur.push(w);
      continue;
    }
    const b = parseBox(cur);
    if (!b) return null;
    out.push(b);
    cur = [];
  }
  return out;
}

export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  const area = (x: Box) => (x[2] - x[0]) * (x[3] - x[1]);
  return inter / (area(a) + area(b) - inter);
}

/** A match counts above this IoU, as in Visual-RFT and detection benchmarks. */
const MATCH_IOU = 0.5;

/**
 * Visual-RFT's IoU reward: predicted boxes, in the order written (Visual-RFT sorts by the model's
 * confidence, which this language has no words for), each take the unmatched true box they overlap
 * most if the IoU is above 0.5; unmatched boxes score 0; the matched IoUs are summed and divided by
 * max(#truth, #predicted), so a missing or an extra box costs as much as a wrong one. `right`: every
 * true box matched and none extra.
 */
export function groundingScore(pred: readonly Box[] | null, truth: readonly Box[]): { score: number; right: boolean } {
  if (!pred || pred.length === 0) return { score: 0, right: false };
  const free = truth.map(() => true);
  let sum = 0;
  let matched = 0;
  for (const p of pred) {
    let best = -1;
    let bestIou = MATCH_IOU;
    truth.forEach((t, j) => {
      const v = iou(p, t);
      if (free[j] && v > bestIou) {
        best = j;
        bestIou = v;
      }
    });
    if (best >= 0) {
      free[best] = false;
      sum += bestIou;
      matched++;
    }
  }
  return {
    score: sum / Math.max(truth.length, pred.length),
    right: matched === truth.length && pred.length === truth.length,
  };
}

/**
 * MIRG-RL's dual reward for "which image, and where in it": half for the image, half for the box's
 * IoU with the object's, counted only in the right image (a box in the wrong image locates nothing).
 * The two halves are apart: the right image earns its half even when the box is malformed (null).
 * `right`: the image right and the box above IoU 0.5.
 */
export function multiGroundingScore(
  pred: { image: string; box: Box | null } | null,
  truth: { image: string; box: Box },
): { score: number; right: boolean } {
  if (!pred) return { score: 0, right: false };
  const image = pred.image === truth.image ? 1 : 0;
  const object = image && pred.box ? iou(pred.box, truth.box) : 0;
  return { score: (image + object) / 2, right: image === 1 && object > MATCH_IOU };
}
