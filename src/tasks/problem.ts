// Problems: a family's question over generated scenes with its ground truth,
// a pure function of (seed, index, options).

import { CounterRng, Streams } from '../lib/rng';
import { DEFAULT_FAMILIES, FAMILY, type FamilyName } from './families';
import { completionText, describe } from './language';
import { DEFAULT_KNOBS, type Scene, type SceneKnobs } from './scene';

export interface Problem {
  seed: number;
  index: number;
  family: FamilyName;
  scenes: Scene[];
  question: string;
  /** Ground-truth description (canonical order). */
  description: string;
  reasoning: string;
  answer: string;
}

export interface ProblemOptions {
  families?: readonly FamilyName[];
  knobs?: SceneKnobs;
}

const MAX_ATTEMPTS = 400;
const TARGET_STEP = 0x7fffffff;

/**
 * Problem `index` of `seed`: the family rotates with the index; the answer to
 * aim for is drawn uniformly first and scenes are drawn until one gives it, so
 * no answer dominates a family.
 */
export function generateProblem(seed: number, index: number, opts: ProblemOptions = {}): Problem {
  const families = opts.families ?? DEFAULT_FAMILIES;
  if (families.length === 0) throw new Error('no task families selected');
  const family = FAMILY[families[index % families.length]];
  const knobs = opts.knobs ?? DEFAULT_KNOBS;
  const target = family.target(new CounterRng(seed, Streams.data, TARGET_STEP, index));
  let fallback = null;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const d = family.draft(new CounterRng(seed, Streams.data, attempt, index), knobs);
    if (!d) continue;
    fallback ??= d;
    if (target === null || (d.balance ?? d.answer) === target) {
      fallback = d;
      break;
    }
  }
  if (!fallback)
    throw new Error(`could not generate a ${family.name} problem with these knobs (seed ${seed}, index ${index})`);
  const d = fallback;
  return {
    seed,
    index,
    family: family.name,
    scenes: d.scenes,
    question: d.question,
    description: describe(d.scenes),
    reasoning: d.reasoning,
    answer: d.answer,
  };
}

/** The supervised target after the prompt's <desc>. */
export function targetCompletion(p: Problem): string {
  return completionText(p.description, p.reasoning, p.answer);
}

/** The JSON line written by `npm run tasks`. */
export function problemRecord(p: Problem): Record<string, unknown> {
  const scene = (s: Scene) => ({
    objects: s.objects.map(({ shape, color, size, x, y }) => ({ shape, color, size, x, y })),
  });
  return {
    seed: p.seed,
    index: p.index,
    family: p.family,
    question: p.question,
    answer: p.answer,
    description: p.description,
    reasoning: p.reasoning,
    ...(p.scenes.length === 1 ? { scene: scene(p.scenes[0]) } : { scenes: p.scenes.map(scene) }),
  };
}
