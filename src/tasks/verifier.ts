// Verifiers: parse a generated completion into its segments (never throws; a
// missing segment is a format failure), check the answer, and check the
// description object by object against the scene.

import { groundingScore, multiGroundingScore, parseBoxes } from './boxes';
import { IMAGE_LABELS, objectPhrase } from './language';
import type { Problem } from './problem';
import { cellOf, COLORS, COLS, ROWS, SHAPES, SIZES, type Scene } from './scene';
import { SPECIAL } from './vocab';

export interface ParsedCompletion {
  /** All three segments present, in order, with nothing between or after them. */
  formatOk: boolean;
  missing: ('description' | 'reasoning' | 'answer')[];
  description: string[] | null;
  reasoning: string[] | null;
  answer: string[] | null;
}

function indexFrom(ws: readonly string[], w: string, from: number): number {
  for (let i = Math.max(0, from); i < ws.length; i++) if (ws[i] === w) return i;
  return -1;
}

/**
 * Parses what the model generated after the prompt's opening <desc>:
 * `d... </desc> <reason> r... </reason> <ans> a... </ans>`.
 */
export function parseCompletion(words: readonly string[]): ParsedCompletion {
  const ws = Array.isArray(words) ? words : Array.from(words);
  const missing: ParsedCompletion['missing'] = [];
  const dEnd = indexFrom(ws, SPECIAL.descEnd, 0);
  const description = dEnd >= 0 ? ws.slice(0, dEnd) : null;
  if (!description) missing.push('description');
  const rStart = indexFrom(ws, SPECIAL.reason, dEnd + 1);
  const rEnd = rStart >= 0 ? indexFrom(ws, SPECIAL.reasonEnd, rStart + 1) : -1;
  const reasoning = rStart >= 0 && rEnd >= 0 ? ws.slice(rStart + 1, rEnd) : null;
  if (!reasoning) missing.push('reasoning');
  const aStart = indexFrom(ws, SPECIAL.ans, Math.max(rEnd, dEnd) + 1);
  const aEnd = aStart >= 0 ? indexFrom(ws, SPECIAL.ansEnd, aStart + 1) : -1;
  const answer = aStart >= 0 && aEnd >= 0 ? ws.slice(aStart + 1, aEnd) : null;
  if (!answer) missing.push('answer');
  const markers = new Set<string>(Object.values(SPECIAL));
  const clean = (seg: string[] | null) => seg !== null && seg.every((w) => !markers.has(w));
  const formatOk =
    missing.length === 0 &&
    rStart === dEnd + 1 &&
    aStart === rEnd + 1 &&
    ws.slice(aEnd + 1).every((w) => w === SPECIAL.pad) &&
    clean(description) &&
    clean(reasoning) &&
    clean(answer) &&
    answer!.length > 0;
  return { formatOk, missing, description, reasoning, answer };
}

export interface DescriptionScore {
  exact: boolean;
  precision: number;
  recall: number;
  f1: number;
  /** Objects named correctly / named / in the scene. */
  truePositives: number;
  predicted: number;
  actual: number;
  /** Where the errors are: scene objects whose cell the description names, and of those, how many have the right size, colour, shape. */
  attributes: AttributeCounts;
}

export interface AttributeCounts {
  objects: number;
  located: number;
  size: number;
  color: number;
  shape: number;
}

const VALID = [
  new Set<string>(SIZES),
  new Set<string>(COLORS),
  new Set<string>(SHAPES),
  new Set<string>(ROWS),
  new Set<string>(COLS),
];

function splitOn(ws: readonly string[], sep: string): string[][] {
  const out: string[][] = [[]];
  for (const w of ws) {
    if (w === sep) out.push([]);
    else out[out.length - 1].push(w);
  }
  return out;
}

/** The key of one object phrase ("size colour shape row col"), null when malformed. */
export function objectKeyOf(c: readonly string[]): string | null {
  return c.length === 5 && c.every((w, i) => VALID[i].has(w)) ? c.join(' ') : null;
}

/** How many times the scene holds each object phrase (the multiset a description is matched against). */
export function sceneObjectCounts(s: Pick<Scene, 'objects'>): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of s.objects.map(objectPhrase)) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

/** Object keys of a description; malformed phrases become null (they count as wrong predictions). */
function objectKeys(ws: readonly string[], images: number): (string | null)[] {
  const one = (part: readonly string[], prefix: string) =>
    part.length === 0
      ? []
      : splitOn(part, ',').map((c) => {
          const k = objectKeyOf(c);
          return k === null ? null : prefix + k;
        });
  if (images === 1) return one(ws, '');
  const keys: (string | null)[] = [];
  for (const part of splitOn(ws, ';')) {
    const label = IMAGE_LABELS.indexOf(part[0] as (typeof IMAGE_LABELS)[number]);
    if (label < 0 || part[1] !== ':') {
      keys.push(null);
      continue;
    }
    keys.push(...one(part.slice(2), `${IMAGE_LABELS[label]} `));
  }
  return keys;
}

/** Object-level precision/recall/F1 of a description against the problem's scenes (multiset matching). */
export function scoreDescription(words: readonly string[] | null, p: Pick<Problem, 'scenes'>): DescriptionScore {
  const truth = new Map<string, number>();
  p.scenes.forEach((s, i) => {
    for (const [k, n] of sceneObjectCounts(s)) truth.set((p.scenes.length > 1 ? `${IMAGE_LABELS[i]} ` : '') + k, n);
  });
  const actual = [...truth.values()].reduce((a, b) => a + b, 0);
  const keys = words ? objectKeys(words, p.scenes.length) : [];
  let tp = 0;
  const left = new Map(truth);
  for (const k of keys) {
    if (k !== null && (left.get(k) ?? 0) > 0) {
      left.set(k, left.get(k)! - 1);
      tp++;
    }
  }
  const predicted = keys.length;
  const attributes: AttributeCounts = { objects: actual, located: 0, size: 0, color: 0, shape: 0 };
  // Match each scene object to the first named object in its image and cell. A
  // valid key is "size colour shape row col", after "<label> " in two-image scenes.
  const named = keys.filter((k): k is string => k !== null).map((k) => k.split(' '));
  p.scenes.forEach((sc, i) => {
    const inImage = p.scenes.length > 1 ? named.filter((w) => w[0] === IMAGE_LABELS[i]).map((w) => w.slice(1)) : named;
    for (const o of sc.objects) {
      const c = cellOf(o);
      const q = inImage.find((w) => w[3] === ROWS[c.row] && w[4] === COLS[c.col]);
      if (!q) continue;
      attributes.located++;
      attributes.size += +(q[0] === o.size);
      attributes.color += +(q[1] === o.color);
      attributes.shape += +(q[2] === o.shape);
    }
  });
  const precision = predicted === 0 ? (actual === 0 ? 1 : 0) : tp / predicted;
  const recall = actual === 0 ? 1 : tp / actual;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    exact: words !== null && tp === actual && predicted === actual,
    precision,
    recall,
    f1,
    truePositives: tp,
    predicted,
    actual,
    attributes,
  };
}

export interface TrajectoryLabel {
  formatOk: boolean;
  perceptionRight: boolean;
  answerRight: boolean;
  /** The answer's reward in [0, 1]: 1 or 0 where answers are matched exactly, partial credit for boxes. */
  answerScore: number;
  /** Answer right with perception wrong: what answer-only reward cannot tell apart. */
  luckyGuess: boolean;
  description: DescriptionScore;
}

/**
 * The answer's score in [0, 1] and whether it is right: exact match for most families; the grounding
 * families score boxes (boxes.ts), Visual-RFT's IoU reward and MIRG-RL's dual reward, with partial credit.
 */
function checkAnswer(
  parsed: ParsedCompletion,
  p: Pick<Problem, 'answer' | 'family'>,
): { score: number; right: boolean } {
  const a = parsed.answer;
  if (a === null) return { score: 0, right: false };
  const truth = p.answer.split(' ');
  if (p.family === 'grounding') return groundingScore(parseBoxes(a), parseBoxes(truth) ?? []);
  if (p.family === 'multi_grounding') {
    // the image, then one box; an answer that names no image earns nothing, one with a bad box its image's half
    const read = (ws: readonly string[]) => {
      if (!(IMAGE_LABELS as readonly string[]).includes(ws[0])) return null;
      const box = parseBoxes(ws.slice(1));
      return { image: ws[0], box: box?.length === 1 ? box[0] : null };
    };
    const t = read(truth);
    if (!t?.box) throw new Error(`multi_grounding problem with a malformed answer "${p.answer}"`);
    return multiGroundingScore(read(a), { image: t.image, box: t.box });
  }
  const right = a.join(' ') === p.answer;
  return { score: right ? 1 : 0, right };
}

/** Perception right/wrong x answer right/wrong for one generated completion. */
export function labelCompletion(
  words: readonly string[],
  p: Pick<Problem, 'scenes' | 'answer' | 'family'>,
): TrajectoryLabel {
  const parsed = parseCompletion(words);
  const description = scoreDescription(parsed.description, p);
  const { score: answerScore, right: answerRight } = checkAnswer(parsed, p);
  return {
    formatOk: parsed.formatOk,
    perceptionRight: description.exact,
    answerRight,
    answerScore,
    luckyGuess: answerRight && !description.exact,
    description,
  };
}

/**
 * Whether a description parses into distinct, complete objects of the task
 * language: every object is "size colour shape row col", no cell is named twice
 * in one image, no image is left empty, and two-image scenes read
 * "first : ... ; second : ..." in that order. (The perception reward's gate:
 * a malformed description must never score high.)
 */
export function descriptionWellFormed(words: readonly string[], images: number): boolean {
  const objects = (part: readonly string[]): boolean => {
    if (part.length === 0) return false;
    const cells = new Set<string>();
    for (const c of splitOn(part, ',')) {
      if (c.length !== 5 || !c.every((w, i) => VALID[i].has(w))) return false;
      const cell = `${c[3]} ${c[4]}`;
      if (cells.has(cell)) return false;
      cells.add(cell);
    }
    return true;
  };
  if (images === 1) return objects(words);
  const parts = splitOn(words, ';');
  return (
    parts.length === images &&
    parts.every((part, i) => part[0] === IMAGE_LABELS[i] && part[1] === ':' && objects(part.slice(2)))
  );
}
