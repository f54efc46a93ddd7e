// Question families. Each builds a question about generated scenes together
// with the ground-truth reasoning (written in terms of the description, so an
// error in perception carries into the answer) and the answer.

import type { CounterRng } from '../lib/rng';
import { boxesText, boxText, objectBox } from './boxes';
import { IMAGE_LABELS, objectPhrase, plural, positionPhrase } from './language';
import {
  canonicalObjects,
  cellOf,
  COLORS,
  generateScene,
  SHAPES,
  SIZES,
  type Color,
  type Scene,
  type SceneKnobs,
  type SceneObject,
  type Shape,
  type Size,
} from './scene';

/** The families of the default mix: the warm start's training data, every held-out set, the reward check. */
export const DEFAULT_FAMILIES = [
  'count',
  'attribute',
  'spatial',
  'comparison',
  'arithmetic',
  'existence',
  'multi_image',
] as const;
/** Every family; those after the default mix are chosen only by name (the warm start never trained on them). */
export const FAMILIES = [...DEFAULT_FAMILIES, 'vicrit', 'grounding', 'multi_grounding'] as const;
export type FamilyName = (typeof FAMILIES)[number];

/**
 * The families whose answers are boxes: the shipped warm start never learned to write them, so a run that
 * draws them starts from the grounding warm start, fine-tuned from it on them (models/tinyvlm-v1g).
 */
const GROUNDING_FAMILIES: readonly FamilyName[] = ['grounding', 'multi_grounding'];

/** The warm starts under models/: the shipped one, and the grounding one fine-tuned from it. */
export const WARM_STARTS = ['tinyvlm-v1', 'tinyvlm-v1g'] as const;
export type WarmStart = (typeof WARM_STARTS)[number];

/**
 * The models/ folder of the warm start a run starts from: the one named, or with 'auto' the one its
 * families need (the grounding warm start when they draw boxes).
 */
export const warmStartFor = (families: readonly FamilyName[], choice: WarmStart | 'auto' = 'auto'): WarmStart =>
  choice !== 'auto' ? choice : families.some((f) => GROUNDING_FAMILIES.includes(f)) ? 'tinyvlm-v1g' : 'tinyvlm-v1';

interface Draft {
  scenes: Scene[];
  question: string;
  reasoning: string;
  answer: string;
  /** What answer balancing compares with the target, when not the answer itself. */
  balance?: string;
}

interface Filter {
  color?: Color;
  shape?: Shape;
  size?: Size;
}

const matches = (o: SceneObject, f: Filter) =>
  (f.color === undefined || o.color === f.color) &&
  (f.shape === undefined || o.shape === f.shape) &&
  (f.size === undefined || o.size === f.size);

/** "red objects", "circles", "red circles" */
function subjectText(f: Filter): string {
  if (f.shape) return `${f.color ? `${f.color} ` : ''}${plural(f.shape)}`;
  return `${f.color} objects`;
}

function randomSubject(rng: CounterRng): Filter {
  const k = rng.int(3);
  if (k === 0) return { color: rng.pick(COLORS) };
  if (k === 1) return { shape: rng.pick(SHAPES) };
  return { color: rng.pick(COLORS), shape: rng.pick(SHAPES) };
}

const unique = (objs: SceneObject[], f: Filter) => objs.filter((o) => matches(o, f)).length === 1;

export interface Family {
  name: FamilyName;
  /** The answer to aim for (drawn uniformly, so answers are balanced), or null when any will do. */
  target(rng: CounterRng): string | null;
  draft(rng: CounterRng, knobs: SceneKnobs): Draft | null;
}

const count: Family = {
  name: 'count',
  target: (rng) => String(rng.int(5)),
  draft(rng, knobs) {
    const scene = generateScene(rng, knobs);
    const f = randomSubject(rng);
    const hits = canonicalObjects(scene).filter((o) => matches(o, f));
    const where = hits.length ? hits.map(positionPhrase).join(' , ') : 'none';
    return {
      scenes: [scene],
      question: `how many ${subjectText(f)} are there ?`,
      reasoning: `${where} total ${hits.length}`,
      answer: String(hits.length),
    };
  },
};

const ATTRIBUTE_TARGETS = [...COLORS, ...SHAPES];
const attribute: Family = {
  name: 'attribute',
  target: (rng) => rng.pick(ATTRIBUTE_TARGETS),
  draft(rng, knobs) {
    const scene = generateScene(rng, knobs);
    const objs = canonicalObjects(scene);
    const askColor = rng.next() < 4 / 7;
    for (const o of rng.shuffle([...objs])) {
      if (askColor && unique(objs, { size: o.size, shape: o.shape })) {
        return {
          scenes: [scene],
          question: `what color is the ${o.size} ${o.shape} ?`,
          reasoning: objectPhrase(o),
          answer: o.color,
        };
      }
      if (!askColor && unique(objs, { size: o.size, color: o.color })) {
        return {
          scenes: [scene],
          question: `what shape is the ${o.size} ${o.color} object ?`,
          reasoning: objectPhrase(o),
          answer: o.shape,
        };
      }
    }
    return null;
  },
};

/** Relation of a to b on the dominant axis of their cells (horizontal on ties). */
export function relation(a: SceneObject, b: SceneObject): 'left' | 'right' | 'above' | 'below' {
  const ca = cellOf(a);
  const cb = cellOf(b);
  const dc = ca.col - cb.col;
  const dr = ca.row - cb.row;
  if (dc !== 0 && Math.abs(dc) >= Math.abs(dr)) return dc < 0 ? 'left' : 'right';
  return dr < 0 ? 'above' : 'below';
}

const spatial: Family = {
  name: 'spatial',
  target: (rng) => rng.pick(['left', 'right', 'above', 'below']),
  draft(rng, knobs) {
    const scene = generateScene(rng, {
      ...knobs,
      minObjects: Math.max(2, knobs.minObjects),
      maxObjects: Math.max(2, knobs.maxObjects),
    });
    const objs = canonicalObjects(scene);
    const named = rng.shuffle(objs.filter((o) => unique(objs, { color: o.color, shape: o.shape })));
    if (named.length < 2) return null;
    const [a, b] = named;
    return {
      scenes: [scene],
      question: `where is the ${a.color} ${a.shape} relative to the ${b.color} ${b.shape} ?`,
      reasoning: `${a.color} ${a.shape} ${positionPhrase(a)} , ${b.color} ${b.shape} ${positionPhrase(b)}`,
      answer: relation(a, b),
    };
  },
};

function twoShapes(rng: CounterRng): [Shape, Shape] {
  const [a, b] = rng.shuffle([...SHAPES]);
  return [a, b];
}

const comparison: Family = {
  name: 'comparison',
  target: (rng) => rng.pick(['first', 'second', 'same']),
  draft(rng, knobs) {
    const scene = generateScene(rng, knobs);
    const [a, b] = twoShapes(rng);
    const na = scene.objects.filter((o) => o.shape === a).length;
    const nb = scene.objects.filter((o) => o.shape === b).length;
    const answer = na > nb ? plural(a) : nb > na ? plural(b) : 'same';
    return {
      scenes: [scene],
      question: `are there more ${plural(a)} or ${plural(b)} ?`,
      reasoning: `${plural(a)} ${na} ${plural(b)} ${nb}`,
      answer,
      // balanced over which slot wins (first subject, second, same), not over shape words
      balance: na > nb ? 'first' : nb > na ? 'second' : 'same',
    };
  },
};

const arithmetic: Family = {
  name: 'arithmetic',
  target: (rng) => String(rng.int(6)),
  draft(rng, knobs) {
    const scene = generateScene(rng, knobs);
    const [a, b] = twoShapes(rng);
    const na = scene.objects.filter((o) => o.shape === a).length;
    const nb = scene.objects.filter((o) => o.shape === b).length;
    return {
      scenes: [scene],
      question: `how many ${plural(a)} plus ${plural(b)} are there ?`,
      reasoning: `${plural(a)} ${na} + ${plural(b)} ${nb} = ${na + nb}`,
      answer: String(na + nb),
    };
  },
};

const existence: Family = {
  name: 'existence',
  target: () => null,
  draft(rng, knobs) {
    const scene = generateScene(rng, knobs);
    const present = new Set(scene.objects.map((o) => `${o.color} ${o.shape}`));
    const absent = COLORS.flatMap((c) => SHAPES.map((s) => `${c} ${s}`)).filter((k) => !present.has(k));
    if (absent.length < 2) return null;
    const yes = rng.pick([...present]);
    const options = rng.shuffle([yes, ...rng.shuffle(absent).slice(0, 2)]);
    return {
      scenes: [scene],
      question: `which of these is in the image : ${options[0]} , ${options[1]} or ${options[2]} ?`,
      reasoning: options.map((k) => `${k} ${k === yes ? 'yes' : 'no'}`).join(' , '),
      answer: yes,
    };
  },
};

const multiImage: Family = {
  name: 'multi_image',
  target: (rng) => rng.pick(['first', 'second', 'same']),
  draft(rng, knobs) {
    // Two images double the image tokens: keep each scene small.
    const k = { ...knobs, maxObjects: Math.min(knobs.maxObjects, 3), minObjects: Math.min(knobs.minObjects, 3) };
    const scenes = [generateScene(rng, k), generateScene(rng, k)];
    const f: Filter = rng.next() < 0.5 ? { color: rng.pick(COLORS) } : { shape: rng.pick(SHAPES) };
    const [n1, n2] = scenes.map((s) => s.objects.filter((o) => matches(o, f)).length);
    return {
      scenes,
      question: `which image has more ${subjectText(f)} ?`,
      reasoning: `${IMAGE_LABELS[0]} ${n1} ${IMAGE_LABELS[1]} ${n2}`,
      answer: n1 > n2 ? 'first' : n2 > n1 ? 'second' : 'same',
    };
  },
};

/**
 * ViCrit: the question carries the scene's description with one word changed (an object's colour,
 * shape or size), and the answer is that wrong word. Verifiable perception with nothing to guess
 * from the question alone: the changed word is as well formed as the others. The question reads
 * "which of these : <description> ?" in the task language's words; the reasoning is the object
 * as it really is.
 */
const VICRIT_TARGETS = [...COLORS, ...SHAPES, ...SIZES];
const vicrit: Family = {
  name: 'vicrit',
  target: (rng) => rng.pick(VICRIT_TARGETS),
  draft(rng, knobs) {
    const scene = generateScene(rng, knobs);
    const objs = canonicalObjects(scene);
    const o = objs[rng.int(objs.length)];
    const kind = rng.pick(['color', 'shape', 'size'] as const);
    const options: readonly string[] = kind === 'color' ? COLORS : kind === 'shape' ? SHAPES : SIZES;
    const wrong = rng.pick(options.filter((x) => x !== o[kind]));
    const phrases = objs.map((x) => {
      if (x !== o) return objectPhrase(x);
      const w = objectPhrase(x).split(' ');
      w[kind === 'size' ? 0 : kind === 'color' ? 1 : 2] = wrong;
      return w.join(' ');
    });
    return {
      scenes: [scene],
      question: `which of these : ${phrases.join(' , ')} ?`,
      reasoning: objectPhrase(o),
      answer: wrong,
    };
  },
};

/**
 * Visual-RFT's grounding: "where is the large red circle ?" or "where are the red objects ?", answered
 * with the boxes of the objects meant (boxes.ts: 18ths of the image, ";" between boxes, reading
 * order). The reasoning names the objects, so a perception error carries into the boxes; the boxes
 * need the jitter inside each cell, which only the image has. Balanced on the number of boxes.
 */
const grounding: Family = {
  name: 'grounding',
  target: (rng) => String(1 + rng.int(3)),
  draft(rng, knobs) {
    const scene = generateScene(rng, knobs);
    const objs = canonicalObjects(scene);
    let hits: SceneObject[];
    let question: string;
    if (rng.next() < 0.4) {
      const o = rng.pick(objs);
      if (!unique(objs, { size: o.size, color: o.color, shape: o.shape })) return null;
      hits = [o];
      question = `where is the ${o.size} ${o.color} ${o.shape} ?`;
    } else {
      const f = randomSubject(rng);
      hits = objs.filter((o) => matches(o, f));
      if (hits.length === 0 || hits.length > 3) return null;
      question = `where are the ${subjectText(f)} ?`;
    }
    return {
      scenes: [scene],
      question,
      reasoning: hits.map(objectPhrase).join(' , '),
      answer: boxesText(hits.map(objectBox)),
      balance: String(hits.length),
    };
  },
};

/**
 * MIRG-RL's multi-image grounding: two images, one object that only one of them has; the answer is
 * that image and the object's box in it ("second 3 0 7 4"), scored by MIRG-RL's dual reward (the
 * image, then the box). Balanced on the image.
 */
const multiGrounding: Family = {
  name: 'multi_grounding',
  target: (rng) => rng.pick(IMAGE_LABELS),
  draft(rng, knobs) {
    const k = { ...knobs, maxObjects: Math.min(knobs.maxObjects, 3), minObjects: Math.min(knobs.minObjects, 3) };
    const scenes = [generateScene(rng, k), generateScene(rng, k)];
    const img = rng.int(2);
    const o = rng.pick(canonicalObjects(scenes[img]));
    const f = { size: o.size, color: o.color, shape: o.shape };
    if (scenes[img].objects.filter((x) => matches(x, f)).length !== 1) return null;
    if (scenes[1 - img].objects.some((x) => matches(x, f))) return null;
    return {
      scenes,
      question: `where is the ${o.size} ${o.color} ${o.shape} , ${IMAGE_LABELS[0]} or ${IMAGE_LABELS[1]} image ?`,
      reasoning: `${IMAGE_LABELS[img]} : ${objectPhrase(o)}`,
      answer: `${IMAGE_LABELS[img]} ${boxText(objectBox(o))}`,
      balance: IMAGE_LABELS[img],
    };
  },
};

export const FAMILY: Record<FamilyName, Family> = {
  count,
  attribute,
  spatial,
  comparison,
  arithmetic,
  existence,
  multi_image: multiImage,
  vicrit,
  grounding,
  multi_grounding: multiGrounding,
};

/** A perception sub-question a scene fixes, in a question form of the task language. */
export interface ChecklistItem {
  family: 'attribute' | 'count';
  question: string;
  reasoning: string;
  answer: string;
}

/**
 * PEARL's perception checklist for a scene: sub-questions whose answers the scene alone fixes, asked
 * in the attribute and count families' own forms (the warm start knows them): the colour of every
 * object its size and shape name uniquely, the shape of every object its size and colour name
 * uniquely, and how many objects of each colour there are (0 included). Deterministic, scene order.
 */
export function perceptionChecklist(scene: Scene): ChecklistItem[] {
  const objs = canonicalObjects(scene);
  const items: ChecklistItem[] = [];
  for (const o of objs) {
    if (unique(objs, { size: o.size, shape: o.shape }))
      items.push({
        family: 'attribute',
        question: `what color is the ${o.size} ${o.shape} ?`,
        reasoning: objectPhrase(o),
        answer: o.color,
      });
    if (unique(objs, { size: o.size, color: o.color }))
      items.push({
        family: 'attribute',
        question: `what shape is the ${o.size} ${o.color} object ?`,
        reasoning: objectPhrase(o),
        answer: o.shape,
      });
  }
  for (const color of COLORS) {
    const hits = objs.filter((o) => o.color === color);
    items.push({
      family: 'count',
      question: `how many ${subjectText({ color })} are there ?`,
      reasoning: `${hits.length ? hits.map(positionPhrase).join(' , ') : 'none'} total ${hits.length}`,
      answer: String(hits.length),
    });
  }
  return items;
}
