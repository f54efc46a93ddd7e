// The schema versions of a config as links and run files carry it, and the defaults each version's diffs are
// taken against, so that a link or a file keeps meaning what it meant when it was made.

import { DEFAULT_RL, V2_DEFAULTS, V3_DEFAULTS, V4_DEFAULTS, type RLConfig } from './config';

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
