// Script flags, read by node:util's parseArgs in strict mode from a table of what each
// script accepts: an unknown flag, a missing value, a stray argument or a value that is
// not what its flag takes each get their own message, and the script exits 2 before any work.

import { parseArgs as nodeParseArgs } from 'node:util';
import type { RLConfig } from '../src/rl/config';
import { FAMILIES, type FamilyName } from '../src/tasks/families';

/** One flag: how node:util reads it, what it takes (for messages), and how its text becomes a value. */
export interface Flag<T> {
  readonly type: 'string' | 'boolean';
  readonly takes: string;
  /** The value, or throws FlagError saying why the text is not one. */
  read(raw: string | boolean | undefined): T;
}

class FlagError extends Error {}

const str = <T>(takes: string, read: (raw: string | undefined) => T): Flag<T> => ({
  type: 'string',
  takes,
  read: (raw) => read(raw as string | undefined),
});

/** Text, `def` when absent. */
export const text = (def: string): Flag<string> => str('a value', (raw) => raw ?? def);

/** Text, or undefined when absent. */
export const optText = (): Flag<string | undefined> => str('a value', (raw) => raw);

/** A bare switch: true when given. */
export const bool = (): Flag<boolean> => ({ type: 'boolean', takes: 'no value', read: (raw) => raw === true });

// decimal only: Number() would also take '0x10', ' 5 ' and '' (as 0)
const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function number(raw: string, integer: boolean, min: number, max: number): number {
  const x = (integer ? INTEGER : DECIMAL).test(raw) ? Number(raw) : NaN;
  const ok = Number.isFinite(x) && (!integer || Number.isInteger(x)) && x >= min && x <= max;
  if (!ok)
    throw new FlagError(`must be ${integer ? 'an integer' : 'a number'}${range(min, max)}, not ${JSON.stringify(raw)}`);
  return x;
}

const range = (min: number, max: number) =>
  min > -Infinity && max < Infinity
    ? ` in [${min}, ${max}]`
    : min > -Infinity
      ? ` of at least ${min}`
      : max < Infinity
        ? ` of at most ${max}`
        : '';

/** An integer in [min, max], `def` when absent. */
export const int = (def: number, min = -Infinity, max = Infinity): Flag<number> =>
  str(`an integer${range(min, max)}`, (raw) => (raw === undefined ? def : number(raw, true, min, max)));

/** An integer in [min, max], or undefined when absent (the script picks the default). */
export const optInt = (min = -Infinity, max = Infinity): Flag<number | undefined> =>
  str(`an integer${range(min, max)}`, (raw) => (raw === undefined ? undefined : number(raw, true, min, max)));

/** A number in [min, max], `def` when absent. */
export const num = (def: number, min = -Infinity, max = Infinity): Flag<number> =>
  str(`a number${range(min, max)}`, (raw) => (raw === undefined ? def : number(raw, false, min, max)));

/** One of `choices`, `def` when absent. */
export const oneOf = <C extends string>(choices: readonly C[], def: C): Flag<C> =>
  str(`one of ${choices.join(', ')}`, (raw) => {
    if (raw === undefined) return def;
    if (!(choices as readonly string[]).includes(raw)) throw new FlagError(`${raw}: choose ${choices.join(', ')}`);
    return raw as C;
  });

/** One of `choices`, or undefined when absent. */
export const optOneOf = <C extends string>(choices: readonly C[]): Flag<C | undefined> =>
  str(`one of ${choices.join(', ')}`, (raw) => (raw === undefined ? undefined : oneOf(choices, choices[0]).read(raw)));

/** Task families, comma-separated, each a family the generator knows; `def` (or undefined) when absent. */
export function familyList(def: readonly FamilyName[]): Flag<FamilyName[]>;
export function familyList(): Flag<FamilyName[] | undefined>;
export function familyList(def?: readonly FamilyName[]): Flag<FamilyName[] | undefined> {
  return str('task families, comma-separated', (raw) => {
    if (raw === undefined) return def && [...def];
    const fs = raw.split(',');
    const bad = fs.filter((f) => !(FAMILIES as readonly string[]).includes(f));
    if (bad.length)
      throw new FlagError(`${bad.map((f) => JSON.stringify(f)).join(', ')}: choose among ${FAMILIES.join(', ')}`);
    return fs as FamilyName[];
  });
}

/** --config: a JSON object of RL settings ({} when absent); the config's own checks come after. */
export const configJson = (): Flag<Partial<RLConfig>> =>
  str('a JSON object of RL settings', (raw) => {
    if (raw === undefined) return {};
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (e) {
      throw new FlagError(`is not JSON: ${(e as Error).message}`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new FlagError(`must be a JSON object, not ${raw}`);
    return v as Partial<RLConfig>;
  });

type Values<S extends Record<string, Flag<unknown>>> = { [K in keyof S]: S[K] extends Flag<infer T> ? T : never };

/** The spec's own flag of that name (not an Object.prototype member such as valueOf). */
const flagOf = (spec: Record<string, Flag<unknown>>, name: string): Flag<unknown> | undefined =>
  Object.hasOwn(spec, name) ? spec[name] : undefined;

/** The flags' messages for `argv` (empty when every flag is good), and their values when there are none. */
export function readFlags<S extends Record<string, Flag<unknown>>>(
  spec: S,
  argv: string[],
): { values: Values<S> | null; errors: string[] } {
  const options = Object.fromEntries(Object.entries(spec).map(([k, f]) => [k, { type: f.type }]));
  const errors: string[] = [];
  // a flag that takes a value but is followed by another flag (or nothing) has none: named here and
  // left out, so the next flag is read as itself and not as its value
  const rest = argv.filter((a, i) => {
    const f = a.startsWith('--') && !a.includes('=') ? flagOf(spec, a.slice(2)) : undefined;
    const next = argv[i + 1];
    if (f?.type !== 'string' || (next !== undefined && !next.startsWith('--'))) return true;
    errors.push(`${a} needs ${f.takes}`);
    return false;
  });
  // a first pass that does not stop at the first problem, so each bad flag gets its message
  const { tokens, values: loose } = nodeParseArgs({
    args: rest,
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const before = errors.length;
  const given = new Set<string>();
  for (const t of tokens) {
    if (t.kind === 'positional')
      errors.push(`unexpected argument ${JSON.stringify(t.value)}: every argument is a --flag`);
    if (t.kind === 'option-terminator') errors.push('unexpected "--": every argument is a --flag');
    if (t.kind !== 'option') continue;
    const f = flagOf(spec, t.name);
    // given twice, one value would silently win
    if (f && given.has(t.name)) errors.push(`--${t.name} is given more than once`);
    given.add(t.name);
    if (!f)
      errors.push(
        `--${t.name} is not a flag here: the flags are ${Object.keys(spec)
          .map((k) => `--${k}`)
          .join(', ')}`,
      );
    else if (f.type === 'string' && t.value === undefined) errors.push(`--${t.name} needs ${f.takes}`);
    // a separate value starting with a dash reads as a flag to node:util; --name=-1 is plain
    else if (f.type === 'string' && !t.inlineValue && t.value?.startsWith('-'))
      errors.push(`--${t.name}: write a value that starts with a dash as --${t.name}=${t.value}`);
    else if (f.type === 'boolean' && t.value !== undefined) errors.push(`--${t.name} takes no value`);
  }
  // every flag's value read, even when others were bad, so that each bad one is named (once)
  const named = new Set(errors.slice(before).map((e) => /^--([\w-]+)/.exec(e)?.[1]));
  const read = (raw: Record<string, string | boolean | (string | boolean)[] | undefined>) => {
    const out: Record<string, unknown> = {};
    for (const [k, f] of Object.entries(spec)) {
      const v = raw[k];
      if (named.has(k) || (v !== undefined && typeof v !== (f.type === 'string' ? 'string' : 'boolean'))) continue;
      try {
        out[k] = f.read(v as string | boolean | undefined);
      } catch (e) {
        if (!(e instanceof FlagError)) throw e;
        errors.push(`--${k} ${e.message}`);
      }
    }
    return out;
  };
  read(loose);
  if (errors.length) return { values: null, errors };
  let values: Record<string, unknown>;
  try {
    values = read(nodeParseArgs({ args: rest, options, strict: true, allowPositionals: false }).values);
  } catch (e) {
    return { values: null, errors: [(e as Error).message] };
  }
  return errors.length ? { values: null, errors } : { values: values as Values<S>, errors };
}

/** The script's flags from process.argv; each bad one is named on stderr, then the script exits 2. */
export function flags<S extends Record<string, Flag<unknown>>>(spec: S, argv = process.argv.slice(2)): Values<S> {
  const { values, errors } = readFlags(spec, argv);
  if (values) return values;
  for (const e of errors) console.error(e);
  process.exit(2);
}
