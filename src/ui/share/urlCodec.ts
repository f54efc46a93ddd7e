// Share URLs: the whole RL config (versioned schema, only fields that differ
// from the defaults, base64url JSON) in the hash, the backend it was made on, and
// whether to start the run.
//   #v=7&c=<base64url(JSON)>&b=wasm&run=1
// Decoding never throws: a malformed or future-version URL gives the defaults and the
// reasons; a bad field (out of range, wrong type, unknown) is named and dropped, and
// the link's other fields are kept.

import {
  applyConfigDiff,
  configErrorMessages,
  DEFAULT_RL,
  FIELD_LABELS,
  V2_DEFAULTS,
  V3_DEFAULTS,
  V4_DEFAULTS,
  validateRL,
  type RLConfig,
} from '../../rl/config';
import { fromBase64Url, toBase64Url } from '../../lib/base64url';
import type { BackendKind } from '../../worker/protocol';

export const SCHEMA_VERSION = 7;

/**
 * The defaults each schema version's diffs are taken against: a link keeps
 * meaning what it meant when it was made. v2 lowered the default learning rate
 * from 3e-4 (at which MIRL's held-out perception collapsed within 8 steps); v3
 * made MIRL's perception reward the gated sum of MI (the per-token mean
 * preferred damaged descriptions; docs/research.md, "The perception reward, checked"); v4 scores
 * MI every 10 steps where it is only a metric (the training itself is unchanged); v5
 * trains at 16 prompts per step for 60 steps, scores MIRL's MI with the frozen warm start,
 * gives Perception-R1 object credit, and judges held-out problems over 4 samples each; v6 adds
 * RACRO, PEARL and VPPO (with their settings) and changes no earlier default, so a v5 link means
 * what it did, and an older playground refuses a v6 link by name instead of misreading its algorithm;
 * v7 adds the warm start a run starts from, 'auto' (what every earlier link did: the families pick it),
 * so that an older playground refuses a link naming one instead of dropping it.
 */
const DEFAULTS_BY_VERSION: Record<number, RLConfig> = {
  1: { ...V2_DEFAULTS, lr: 3e-4 },
  2: V2_DEFAULTS,
  3: V3_DEFAULTS,
  4: V4_DEFAULTS,
  5: DEFAULT_RL,
  6: DEFAULT_RL,
  7: DEFAULT_RL,
};

/** The defaults of a schema version (undefined for one this playground does not know). */
export function defaultsOfVersion(v: number): RLConfig | undefined {
  return DEFAULTS_BY_VERSION[v];
}

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
  return `#v=${SCHEMA_VERSION}&c=${toBase64Url(JSON.stringify(configDiff(config)))}${b}${run ? '&run=1' : ''}`;
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
  if (!params.has('c') && !params.has('v')) {
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
  const base = DEFAULTS_BY_VERSION[Number(v)];
  if (!base) return fallback([`unknown schema version v${v}`]);
  const c = params.get('c');
  if (!c) return fallback(['the link has no config (c=...)']);
  let diff: unknown;
  try {
    diff = JSON.parse(fromBase64Url(c));
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
