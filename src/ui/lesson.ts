// The teaching tab's lesson at a glance, from the runs: each arm against its reference (the forest plot's rows), one
// headline sentence from them, and the clearest lucky guess to show. Pure functions, so the page and its tests read
// the same figures; the arms' update counts are rl/comparison.ts's armCounts.

import { armDifference, type Arm, type Est, type SeededRun } from '../rl/comparison';
import { descAdvantage } from '../rl/metrics';
import type { PromptRecord } from '../rl/types';
import { descClass } from '../rl/updateRates';

/** One arm against its reference on held-out description F1: a row of the forest plot. */
export interface ForestRow extends Est {
  id: string;
  name: string;
  refId: string;
  refName: string;
  core: boolean;
  called: boolean;
  pairedSeeds: number;
}

/** Every arm with a reference and a difference to show, the core arms first, in the arms' order otherwise. */
export function forestRows(arms: readonly Arm[], runsOf: (a: Arm) => readonly SeededRun[]): ForestRow[] {
  const byId = new Map(arms.map((a) => [a.id, a]));
  const rows = arms.flatMap((a) => {
    const ref = a.ref === null ? undefined : byId.get(a.ref);
    const d = ref && armDifference(runsOf(a), runsOf(ref), 'desc_f1');
    return ref && d ? [{ id: a.id, name: a.name, refId: ref.id, refName: ref.name, core: a.core, ...d }] : [];
  });
  return [...rows.filter((r) => r.core), ...rows.filter((r) => !r.core)];
}

const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;
const estText = (e: Est) => `${signed(e.mean)} ± ${e.se.toFixed(3)}`;

/** What a row says in words: called only beyond 2 SE. */
function said(r: ForestRow): string {
  if (!r.called) return `${r.name} does not separate from ${r.refName} (${estText(r)}, within 2 SE)`;
  return `${r.name} ${r.mean > 0 ? 'lifts' : 'lowers'} held-out description F1 ${r.mean > 0 ? 'above' : 'below'} ${r.refName}'s by ${estText(r)}`;
}

/**
 * The headline: the core arms against GRPO in words, then whether any of the others moved beyond 2 SE; null
 * without a row. One sentence, so a reader who stops there has the lesson.
 */
export function headline(rows: readonly ForestRow[]): string | null {
  if (!rows.length) return null;
  const core = rows.filter((r) => r.core);
  const lead = core.length ? core : rows.slice(0, 1);
  const others = rows.filter((r) => !lead.includes(r));
  const [first] = lead;
  // a second arm that moved the same way against the same reference shares the first one's verb
  const alike = (r: ForestRow) =>
    r.called && first.called && r.refId === first.refId && Math.sign(r.mean) === Math.sign(first.mean);
  const parts = lead.map((r, i) => (i > 0 && alike(r) ? `${r.name} by ${estText(r)}` : said(r)));
  const seeds = Math.min(...lead.map((r) => r.pairedSeeds));
  let s = `${parts.join(', and ')} (${seeds > 0 ? `paired by seed over ${seeds} seeds` : 'unpaired'})`;
  if (others.length === 1) {
    const [r] = others;
    s += r.called
      ? `; the other arm, ${r.name}, is ${r.mean > 0 ? 'ahead of' : 'behind'} its reference beyond 2 SE`
      : `; the other arm, ${r.name}, does not move beyond 2 SE against its reference`;
  } else if (others.length) {
    const ahead = others.filter((r) => r.called && r.mean > 0).length;
    const behind = others.filter((r) => r.called && r.mean < 0).length;
    const n = `${others.length} other arms`;
    s +=
      ahead + behind === 0
        ? `; none of the ${n} moves beyond 2 SE against its reference`
        : `; of the ${n}, ${ahead} ${ahead === 1 ? 'is' : 'are'} ahead of their reference beyond 2 SE and ${behind} behind`;
  }
  return `${s}.`;
}

/**
 * The clearest lucky guess the update pushed up: a right answer after a wrong description whose description got a
 * positive advantage; a description far from the scene before a near-miss, then the largest push. null without one.
 */
export function clearestLucky<P extends PromptRecord>(
  records: readonly P[],
): { rec: P; index: number; adv: number } | null {
  let best: { rec: P; index: number; adv: number; near: boolean } | null = null;
  for (const rec of records)
    rec.trajectories.forEach((t, index) => {
      const adv = descAdvantage(t);
      if (t.answerRight !== true || t.perceptionRight || adv === null || adv <= 0) return;
      const near = descClass({ exact: false, f1: t.descF1 }) === 'near';
      if (!best || (best.near && !near) || (best.near === near && adv > best.adv)) best = { rec, index, adv, near };
    });
  if (!best) return null;
  const { rec, index, adv } = best;
  return { rec, index, adv };
}
