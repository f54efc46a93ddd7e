// The experiment's arms (scripts/experiments.sh reads them), one a line as run_arms takes them, 'ALGO {JSON}' or
// 'ALGO {JSON} NAME': each algorithm's comparison arm and further sizes (its row in src/rl/algorithms/rows.ts),
// then the comparison's task arms on the shipped warm start (ViCrit).
// Usage: npx tsx scripts/experiment-arms.ts

import { fileURLToPath } from 'node:url';
import { ALGORITHM_NAMES, algorithmOf } from '../src/rl/algorithms/table';
import { comparisonArms } from '../src/rl/comparison';
import { DEFAULT_RL } from '../src/rl/config';
import { warmStartFor } from '../src/tasks/families';

export function experimentArms(): string[] {
  const lines = ALGORITHM_NAMES.flatMap((algo) => {
    const { arm, experimentArms: more = [] } = algorithmOf({ algo });
    return [...(arm ? [arm.config] : []), ...more].map((c) => `${algo} ${JSON.stringify(c)}`);
  });
  const shipped = warmStartFor(DEFAULT_RL.families);
  // a task arm adds a family to its reference's mix: named after the reference's run and the family
  for (const a of comparisonArms())
    if (a.kind === 'task' && warmStartFor(a.config.families, a.config.warmStart) === shipped) {
      const { algo, G, families } = a.config;
      lines.push(`${algo} ${JSON.stringify({ G, families })} ${algo}-G${G}-${a.id}`);
    }
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(experimentArms().join('\n'));
