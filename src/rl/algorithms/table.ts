// The algorithms, one row each (rows.ts), and the lookups everything reads them through: the trainer's
// dispatch (with rollouts.ts), the config's `algo` choices and the panel's rules, the run labels, the views,
// the recipes' gaps, the comparison's arms and the reports. Adding an algorithm is its rollout file, its row
// and its line in rollouts.ts (the compiler asks for it); nothing else tests an algorithm's name.
// This module imports only the rows, so rl/config can build its fields from it without a loop.

import { ALGORITHM_TABLE, type AlgorithmRow } from './rows';

export { ALGORITHM_TABLE, type AlgorithmRow };

export type Algorithm = keyof typeof ALGORITHM_TABLE;
export const ALGORITHM_NAMES = Object.keys(ALGORITHM_TABLE) as Algorithm[];

/** The row of an algorithm's name, or undefined for a name not in the table (a file from elsewhere). */
export const findAlgorithm = (name: string): AlgorithmRow | undefined =>
  Object.hasOwn(ALGORITHM_TABLE, name) ? ALGORITHM_TABLE[name as Algorithm] : undefined;

/** The row of a config's algorithm (configs are validated, so the name is in the table; if not, a clear error). */
export function algorithmOf(cfg: { algo: string }): AlgorithmRow {
  const row = findAlgorithm(cfg.algo);
  if (!row) throw new Error(`unknown algorithm "${cfg.algo}": one of ${ALGORITHM_NAMES.join(', ')}`);
  return row;
}

/** The names of the algorithms whose row has `key` = `value` (the panel's rules of which fields to show). */
export const algorithmsWhere = <K extends 'group' | 'perception'>(key: K, value: AlgorithmRow[K]): Algorithm[] =>
  ALGORITHM_NAMES.filter((a) => ALGORITHM_TABLE[a][key] === value);

/** The names of the algorithms whose row owns the config setting `field` (the panel shows it for them alone). */
export const algorithmsWithSetting = (field: string): Algorithm[] =>
  ALGORITHM_NAMES.filter((a) => findAlgorithm(a)?.settings?.includes(field));

/** A run's group size as its label says it: "N10 k6" or "G16". */
export const groupLabel = (c: { algo: string; N: number; k: number; G: number }): string =>
  algorithmOf(c).group === 'forks' ? `N${c.N} k${c.k}` : `G${c.G}`;
