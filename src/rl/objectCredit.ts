// Perception-R1's perception advantage per token instead of per description:
// each unit of a description (an object phrase, a separator, the close) is
// right or wrong against the scene, its baseline is the group's rate of right
// units of its kind, and every token of the unit carries the unit's advantage.
// Normalised as the sequence-level advantages are: by the group's spread.

import type { DescriptionCredit } from '../tasks/descriptionCredit';
import type { RLConfig } from './config';

/** Per row (groups of `groupSize` consecutive rows), the perception advantage of each credited token. */
export function creditAdvantages(
  credits: readonly DescriptionCredit[],
  groupSize: number,
  cfg: Pick<RLConfig, 'advNormalize'>,
  eps = 1e-6,
): number[][] {
  const out: number[][] = [];
  for (let g0 = 0; g0 < credits.length; g0 += groupSize) {
    const group = credits.slice(g0, g0 + groupSize);
    const units = group.flatMap((c) => c.units);
    const base = { object: 0, structure: 0 };
    for (const kind of ['object', 'structure'] as const) {
      const ofKind = units.filter((u) => u.kind === kind);
      base[kind] = ofKind.length ? ofKind.filter((u) => u.right).length / ofKind.length : 0;
    }
    const centred = (u: DescriptionCredit['units'][number]) => +u.right - base[u.kind];
    const spread = units.length ? Math.sqrt(units.reduce((a, u) => a + centred(u) ** 2, 0) / units.length) : 0;
    const scale = cfg.advNormalize === 'std' ? 1 / (spread + eps) : 1;
    for (const c of group) out.push(c.tokenUnit.map((u) => centred(c.units[u]) * scale));
  }
  return out;
}
