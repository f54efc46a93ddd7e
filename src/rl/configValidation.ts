// A config checked: each field against its kind and range (config.ts FIELDS), the rules across fields, the problems
// as sentences that name each field as the form does, and whether a run is too small to show learning.

import { FAMILIES } from '../tasks/families';
import { validateKnobs, type SceneKnobs } from '../tasks/scene';
import {
  CUSTOM_REWARD_ALGOS,
  DEFAULT_RL,
  FIELD_LABELS,
  FIELD_NAMES,
  FIELDS,
  type FieldName,
  type Fields,
  type RLConfig,
} from './config';

/** validateRL's problems as sentences that name each field as the form does. */
export function configErrorMessages(errs: Record<string, string>): string[] {
  return Object.entries(errs).map(([k, m]) =>
    k === 'knobs' ? `difficulty: ${m}` : `${FIELD_LABELS[k as keyof RLConfig] ?? k} must be ${m}`,
  );
}

/** A value's problem against its field's kind and range, or null. */
function fieldProblem(f: Fields[FieldName], v: unknown): string | null {
  switch (f.kind) {
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && v >= f.min && v <= f.max
        ? null
        : `an integer in [${f.min}, ${f.max}]`;
    case 'num':
      return typeof v === 'number' && Number.isFinite(v) && v >= f.min && v <= f.max
        ? null
        : `a number in [${f.min}, ${f.max}]`;
    case 'enum':
      return (f.options as readonly unknown[]).includes(v) ? null : `one of ${f.options.join(', ')}`;
    case 'bool':
      return typeof v === 'boolean' ? null : 'true or false';
    case 'families':
      return Array.isArray(v) && v.length > 0 && v.every((x) => FAMILIES.includes(x))
        ? null
        : `a non-empty subset of ${FAMILIES.join(', ')}`;
    case 'knobs':
      return typeof v === 'object' && v !== null ? validateKnobs(v as SceneKnobs) : 'an object of difficulty settings';
    case 'code':
      return typeof v === 'string' && v.length <= f.maxLength
        ? null
        : `JavaScript source of at most ${f.maxLength} characters`;
  }
}

/** Rules across fields, each checked once its fields are valid on their own. */
const RULES: ((c: RLConfig, e: Partial<Record<FieldName, string>>) => void)[] = [
  (c, e) => {
    if (!e.N && !e.k && c.k > c.N) e.k = `at most N (${c.N})`;
  },
  (c, e) => {
    if (c.estimator === 'contrastive' && c.contrastiveK >= c.batchPrompts) {
      e.contrastiveK = `below the prompts per step (${c.batchPrompts}): the alternatives are the other prompts' images`;
    }
  },
  (c, e) => {
    if (!e.rewardCode && CUSTOM_REWARD_ALGOS.includes(c.algo) && c.rewardCode.trim() === '')
      e.rewardCode = 'the source of a reward(input) function (the custom algorithm has no other reward)';
  },
  (c, e) => {
    if (!e.lr && c.lr === 0) e.lr = 'above 0 (at 0 the policy never moves)';
  },
  (c, e) => {
    if (!e.miniBatches && !e.batchPrompts && c.miniBatches > c.batchPrompts)
      e.miniBatches = `at most the prompts per step (${c.batchPrompts})`;
  },
];

/** Every field's problem, by field name; empty when the config is valid. */
export function validateRL(c: RLConfig): Record<string, string> {
  const e: Partial<Record<FieldName, string>> = {};
  for (const k of FIELD_NAMES) {
    const m = fieldProblem(FIELDS[k], c[k]);
    if (m) e[k] = m;
  }
  for (const rule of RULES) rule(c, e);
  return e as Record<string, string>;
}

/** The config's problems in one line ("k must be at most N (10); ..."), or null when it is valid. */
export function configProblems(c: RLConfig): string | null {
  const e = Object.entries(validateRL(c));
  return e.length ? e.map(([k, v]) => `${k} must be ${v}`).join('; ') : null;
}

/**
 * Why a config is too small for RL to show on the held-out figures, or null: below the
 * prompts per step and steps of the v5 defaults, where the measured arms separate (docs/research.md,
 * "What RL does, measured over samples"), or with no held-out evaluation to show it.
 */
export function tooSmallToLearn(
  c: Pick<RLConfig, 'batchPrompts' | 'steps' | 'heldoutEvery' | 'heldoutCount'>,
): string | null {
  const why = [
    ...(c.batchPrompts < DEFAULT_RL.batchPrompts
      ? [
          `${c.batchPrompts} prompt${c.batchPrompts === 1 ? '' : 's'} per step (learning shows from ${DEFAULT_RL.batchPrompts})`,
        ]
      : []),
    ...(c.steps < DEFAULT_RL.steps ? [`${c.steps} steps (from ${DEFAULT_RL.steps})`] : []),
    ...(c.heldoutEvery === 0 || c.heldoutCount === 0 ? ['no held-out evaluation'] : []),
  ];
  return why.length
    ? `Too small to show learning: ${why.join(', ')}. Rollout curves here follow the prompts each step drew, not what the model learned.`
    : null;
}
