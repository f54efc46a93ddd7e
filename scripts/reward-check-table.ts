// npx tsx scripts/reward-check-table.ts DIR: one markdown table of every
// reward-check JSON in DIR (variant x class), the seeds pooled per variant.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORRUPTIONS } from '../src/tasks/corrupt';
import { DEFAULT_RL, type RLConfig } from '../src/rl/config';
import type { RewardCheckReport } from '../src/rl/rewardCheck';
import { algorithmOf } from '../src/rl/algorithms/table';

/** The settings that make a perception-reward variant, in words; the default marked. */
function describe(c: RLConfig): string {
  if (algorithmOf(c).perception === 'labelled') return `${c.algo}: F1 against the labels (oracle)`;
  if (algorithmOf(c).perception === 'reasoner')
    return `${c.algo}: the frozen warm start answers from the description alone (greedy)`;
  const parts = [
    `MI ${c.miAgg}`,
    c.miClip ? `clip ${c.miClip}` : null,
    c.percGate === 'off' ? null : `gate ${c.percGate}`,
    `${c.estimator} image`,
  ];
  const keys = ['algo', 'miAgg', 'miClip', 'percGate', 'estimator', 'miScorer', 'percNorm'] as const;
  const isDefault = keys.every((k) => c[k] === DEFAULT_RL[k]);
  const old = c.miAgg === 'mean' && !c.miClip && c.percGate === 'off' && c.estimator === 'null';
  return `${parts.filter(Boolean).join(', ')}${isDefault ? ' **(default)**' : old ? ' (old default)' : ''}`;
}

const dir = process.argv[2] ?? 'data/reward-check';
const byVariant = new Map<string, RewardCheckReport[]>();
// in the order the runs were listed (file modification order is not kept by git): the script's own order
const order = [
  'old-mean',
  'mean-clip2',
  'mean-gate',
  'sum',
  'sum-gate',
  'sum-clip2-gate',
  'sum-gate-blank',
  'sum-gate-patch',
  'sum-gate-contrastive',
  'perception-r1',
  'racro',
];
const rank = (n: string) => (order.indexOf(n) < 0 ? order.length : order.indexOf(n));
for (const f of readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .sort(
    (a, b) => rank(a.replace(/-seed\d+\.json$/, '')) - rank(b.replace(/-seed\d+\.json$/, '')) || a.localeCompare(b),
  )) {
  const name = f.replace(/-seed\d+\.json$/, '');
  const r = JSON.parse(readFileSync(join(dir, f), 'utf8')) as RewardCheckReport;
  byVariant.set(name, [...(byVariant.get(name) ?? []), r]);
}
const short: Record<string, string> = {
  drop_object: 'drop obj',
  add_object: 'add obj',
  drop_shape: 'no shape',
  drop_size: 'no size',
  change_color: 'colour',
  change_shape: 'shape',
  change_position: 'position',
  duplicate_object: 'dup',
  truncate: 'cut',
  reorder: 'order',
};
console.log(`| variant | seeds | ${CORRUPTIONS.map((c) => short[c]).join(' | ')} | all | all but order | worst |`);
console.log(`| --- | --- | ${CORRUPTIONS.map(() => '---:').join(' | ')} | ---: | ---: | ---: |`);
for (const [, rs] of byVariant) {
  // a class added after a file was written counts as no pairs (n/a)
  const tally = (c: string) =>
    rs.reduce(
      (a, r) => {
        const t = r.classes[c as keyof typeof r.classes] ?? { wins: 0, pairs: 0 };
        return { w: a.w + t.wins, p: a.p + t.pairs };
      },
      { w: 0, p: 0 },
    );
  const pct = (w: number, p: number) => (p ? `${((100 * w) / p).toFixed(1)}` : 'n/a');
  const cells = CORRUPTIONS.map((c) => tally(c));
  const all = cells.reduce((a, t) => ({ w: a.w + t.w, p: a.p + t.p }), { w: 0, p: 0 });
  const noOrder = cells
    .filter((_, i) => CORRUPTIONS[i] !== 'reorder')
    .reduce((a, t) => ({ w: a.w + t.w, p: a.p + t.p }), { w: 0, p: 0 });
  const worst = Math.min(...cells.filter((t, i) => CORRUPTIONS[i] !== 'reorder' && t.p > 0).map((t) => t.w / t.p));
  console.log(
    `| ${describe(rs[0].config)} | ${rs.map((r) => r.seed).join(', ')} (${rs.reduce((a, r) => a + r.count, 0)} problems) | ${cells.map((t) => pct(t.w, t.p)).join(' | ')} | ${pct(all.w, all.p)} | ${pct(noOrder.w, noOrder.p)} | ${(100 * worst).toFixed(1)} |`,
  );
}
