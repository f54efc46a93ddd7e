// Share URLs: the whole RL config (versioned schema, only fields that differ
// from the defaults, base64url JSON) in the hash, plus whether to start the run.
//   #v=5&c=<base64url(JSON)>&run=1
// Decoding never throws: a malformed, future-version or out-of-range URL gives
// the defaults and the reasons.

import {
  applyConfigDiff,
  configErrorMessages,
  DEFAULT_RL,
  V2_DEFAULTS,
  V3_DEFAULTS,
  V4_DEFAULTS,
  validateRL,
  type RLConfig,
} from '../../rl/config';
import { fromBase64Url, toBase64Url } from '../../lib/base64url';

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
  run: boolean;
  /** What was wrong; empty when the URL was good (or had no config). */
  errors: string[];
  /** Whether the URL carried a config at all. */
  present: boolean;
}

/** The fields of config that differ from the defaults. */
function configDiff(config: RLConfig): Partial<RLConfig> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (JSON.stringify(v) !== JSON.stringify((DEFAULT_RL as unknown as Record<string, unknown>)[k])) out[k] = v;
  }
  return out as Partial<RLConfig>;
}

export function encodeShare(config: RLConfig, run = true): string {
  return `#v=${SCHEMA_VERSION}&c=${toBase64Url(JSON.stringify(configDiff(config)))}${run ? '&run=1' : ''}`;
}

export function decodeShare(hash: string): DecodedShare {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const fallback = (errors: string[], present = true): DecodedShare => ({
    config: { ...DEFAULT_RL },
    run: false,
    errors,
    present,
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
  const { config, unknown } = applyConfigDiff(base, diff as Record<string, unknown>);
  if (unknown.length) return fallback([`the link has unknown settings: ${unknown.join(', ')}`]);
  const errs = validateRL(config);
  if (Object.keys(errs).length) return fallback(configErrorMessages(errs));
  return { config, run: params.get('run') === '1', errors: [], present: true };
}
