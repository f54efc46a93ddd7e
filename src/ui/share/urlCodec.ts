// Share URLs: the whole RL config (versioned schema, only fields that differ
// from the defaults, base64url JSON) in the hash, the backend it was made on, and
// whether to start the run.
//   #v=7&c=<base64url(JSON)>&b=wasm&run=1
// A config that carries code (a custom reward's source) goes deflated instead: z=<base64url(deflate(JSON))>.
// Decoding never throws: a malformed or future-version URL gives the defaults and the
// reasons; a bad field (out of range, wrong type, unknown) is named and dropped, and
// the link's other fields are kept.

import { configErrorMessages, validateRL } from '../../rl/configValidation';
import { DEFAULT_RL, FIELD_LABELS, FIELDS, type RLConfig } from '../../rl/config';
import { applyConfigDiff, defaultsOfVersion, SCHEMA_VERSION } from '../../rl/configVersions';
import { fromBase64Url, toBase64Url } from '../../lib/base64url';
import { fromDeflatedBase64Url, toDeflatedBase64Url } from '../../lib/deflatedText';
import type { BackendKind } from '../../worker/protocol';

export interface DecodedShare {
  config: RLConfig;
  /** Start the run on opening: the link asks to, and nothing of it was dropped. */
  run: boolean;
  /** Why the whole link could not be used (the config is then the defaults); empty when it could. */
  errors: string[];
  /** Fields named and left out, each with why; the config keeps the link's other fields. */
  dropped: string[];
  /** Whether the URL carried a config at all. */
  present: boolean;
  /** The backend the link was made on (null: the link does not say, as links before it did not). */
  backend: BackendKind | null;
}

const BACKENDS: readonly BackendKind[] = ['webgpu', 'wasm', 'cpu'];

/** A bound on a config's JSON: the longest code a config may carry, and room for every other field. */
const MAX_CONFIG_CHARS = 4 * FIELDS.rewardCode.maxLength + 64_000;

/** The fields of config that differ from the defaults. */
function configDiff(config: RLConfig): Partial<RLConfig> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (JSON.stringify(v) !== JSON.stringify((DEFAULT_RL as unknown as Record<string, unknown>)[k])) out[k] = v;
  }
  return out as Partial<RLConfig>;
}

/** `backend`: the one the run is made on, so that the link opens on it (an older playground ignores it). */
export function encodeShare(config: RLConfig, run = true, backend?: BackendKind): string {
  const b = backend ? `&b=${backend}` : '';
  const json = JSON.stringify(configDiff(config));
  const body = config.rewardCode !== '' ? `z=${toDeflatedBase64Url(json)}` : `c=${toBase64Url(json)}`;
  return `#v=${SCHEMA_VERSION}&${body}${b}${run ? '&run=1' : ''}`;
}

/** A value as a notice quotes it: short, and never raw bytes. */
function quote(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  s = s.replace(/[^\x20-\x7e]/g, '?');
  return s.length > 30 ? `${s.slice(0, 30)}…` : s;
}

/** A field's problem as the notice says it, with what the link had and what is kept instead. */
function droppedLine(k: string, why: string, had: unknown, kept: unknown): string {
  const [line] = configErrorMessages({ [k]: why });
  return k === 'knobs'
    ? `${line}: the link's difficulty settings were dropped`
    : `${line}: the link's ${quote(had)} was dropped, ${quote(kept)} kept`;
}

/**
 * The link's diff on its version's defaults, with every field that is unknown or invalid named and
 * left at the default. A field invalid on its own is dropped first; where a rule between fields
 * still fails (k above N, with N from the link and k the default), the link's fields are dropped
 * one at a time, each only if that mends the config.
 */
function applyKeeping(base: RLConfig, diff: Record<string, unknown>): { config: RLConfig; dropped: string[] } {
  const { unknown } = applyConfigDiff(base, diff);
  const dropped = unknown.map((k) => `unknown setting ${quote(k)}: dropped`);
  const keep: Record<string, unknown> = Object.fromEntries(Object.entries(diff).filter(([k]) => !unknown.includes(k)));
  const kd = keep.knobs;
  if (kd !== null && typeof kd === 'object' && !Array.isArray(kd))
    keep.knobs = Object.fromEntries(Object.entries(kd).filter(([k]) => !unknown.includes(`knobs.${k}`)));
  const build = (d: Record<string, unknown>) => applyConfigDiff(base, d).config;
  let config = build(keep);
  let errs = validateRL(config);
  // fields wrong in themselves, or on the wrong side of a rule, as validateRL names them
  for (const k of Object.keys(errs).filter((f) => f in keep)) {
    dropped.push(droppedLine(k, errs[k], keep[k], base[k as keyof RLConfig]));
    delete keep[k];
  }
  config = build(keep);
  errs = validateRL(config);
  for (const k of Object.keys(keep)) {
    if (Object.keys(errs).length === 0) break;
    const without = Object.fromEntries(Object.entries(keep).filter(([f]) => f !== k));
    const e = validateRL(build(without));
    if (Object.keys(e).length >= Object.keys(errs).length) continue;
    const rule = configErrorMessages(errs).join('; ');
    dropped.push(`${FIELD_LABELS[k as keyof RLConfig] ?? k}: the link's ${quote(keep[k])} was dropped, since ${rule}`);
    delete keep[k];
    config = build(keep);
    errs = e;
  }
  return Object.keys(errs).length === 0
    ? { config, dropped }
    : { config: { ...base }, dropped: [...dropped, 'the rest of the link breaks a rule between settings: dropped'] };
}

export function decodeShare(hash: string): DecodedShare {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const fallback = (errors: string[], present = true): DecodedShare => ({
    config: { ...DEFAULT_RL },
    run: false,
    errors,
    dropped: [],
    present,
    backend: null,
  });
  if (!params.has('c') && !params.has('z') && !params.has('v')) {
    // an empty hash is no link; anything else was meant as one and deserves a word
    const h = hash.replace(/^#/, '');
    return h.trim() === ''
      ? fallback([], false)
      : fallback([
          `the link's "#${h.length > 40 ? `${h.slice(0, 40)}…` : h}" was not understood (a share link ends in #v=${SCHEMA_VERSION}&c=...)`,
        ]);
  }
  const v = params.get('v');
  if (v === null || !/^\d+$/.test(v)) return fallback([`the link has no valid schema version (v=${v ?? 'missing'})`]);
  if (Number(v) > SCHEMA_VERSION)
    return fallback([
      `the link was made by a newer version of the playground (schema v${v}); this one reads v${SCHEMA_VERSION}`,
    ]);
  const base = defaultsOfVersion(Number(v));
  if (!base) return fallback([`unknown schema version v${v}`]);
  const c = params.get('c');
  const z = params.get('z');
  if (!c && !z) return fallback(['the link has no config (c=...)']);
  let diff: unknown;
  try {
    // the deflated config is at most the size a config may be: its code and the rest
    diff = JSON.parse(c ? fromBase64Url(c) : fromDeflatedBase64Url(z!, MAX_CONFIG_CHARS));
  } catch {
    return fallback(["the link's config is not readable (damaged or truncated link?)"]);
  }
  if (typeof diff !== 'object' || diff === null || Array.isArray(diff))
    return fallback(["the link's config is not an object"]);
  const { config, dropped } = applyKeeping(base, diff as Record<string, unknown>);
  const b = params.get('b');
  const backend = BACKENDS.find((k) => k === b) ?? null;
  if (b !== null && !backend) dropped.push(`the backend ${quote(b)} is not one of ${BACKENDS.join(', ')}; dropped`);
  // a link with a field dropped is not the run it names: it waits for Start
  return {
    config,
    run: params.get('run') === '1' && dropped.length === 0,
    errors: [],
    dropped,
    present: true,
    backend,
  };
}
