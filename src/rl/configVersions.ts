// The schema versions of a config as links and run files carry it, and the defaults each version's diffs are
// taken against, so that a link or a file keeps meaning what it meant when it was made, and a diff read against them.

import { DEFAULT_RL, type RLConfig } from './config';

/**
 * v4: as v5, at the size where RL could not be seen (4 prompts per step, 100 steps), with
 * MIRL scored by the moving policy, Perception-R1's sequence credit and greedy-only held-out
 * figures on 64 problems every 10 steps (v5: docs/research.md, "What RL does, measured over samples").
 */
export const V4_DEFAULTS: RLConfig = {
  ...DEFAULT_RL,
  batchPrompts: 4,
  steps: 100,
  miScorer: 'policy',
  percCredit: 'sequence',
  heldoutEvery: 10,
  heldoutCount: 64,
  heldoutSamples: 0,
};

/** v3: as v4, with MI where it is only a metric scored every step (v4 made it every 10). */
export const V3_DEFAULTS: RLConfig = { ...V4_DEFAULTS, metricEvery: 1 };

/**
 * v2: as v3, with MIRL's perception reward the per-token mean of MI and no gate (v3 made it
 * the gated sum; docs/research.md, "The perception reward, checked"). Links are read against the
 * defaults of their own version; a setting added later must default to what reproduces
 * the older behaviour, or be set here.
 */
export const V2_DEFAULTS: RLConfig = { ...V3_DEFAULTS, miAgg: 'mean', percGate: 'off' };

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

/**
 * `base` with the fields of `diff` over it (a link's or a run file's config); knobs are merged
 * one by one, so {"knobs": {"noise": 0.1}} changes only the noise. Settings this version does
 * not know are left out and named.
 */
export function applyConfigDiff(
  base: RLConfig,
  diff: Record<string, unknown>,
): { config: RLConfig; unknown: string[] } {
  const unknown = Object.keys(diff).filter((k) => !(k in base));
  const known = Object.fromEntries(Object.entries(diff).filter(([k]) => k in base));
  const config = { ...base, ...known } as RLConfig;
  const kd = diff.knobs;
  if (typeof kd === 'object' && kd !== null && !Array.isArray(kd)) {
    unknown.push(
      ...Object.keys(kd)
        .filter((k) => !(k in base.knobs))
        .map((k) => `knobs.${k}`),
    );
    config.knobs = { ...base.knobs, ...Object.fromEntries(Object.entries(kd).filter(([k]) => k in base.knobs)) };
  }
  return { config, unknown };
}
