// The reward check: a perception reward measured against known-good and
// known-bad outputs before anything optimises it. On held-out problems, the
// ground-truth description and corrupted copies of it form one group, scored
// by the same code path training uses (scorePerception, then the group
// normalisation); per corruption class, how often the truth scores strictly higher.

import { collate, problemExample } from '../model/examples';
import type { TinyVLM } from '../model/tinyvlm';
import { CounterRng, Streams } from '../session/rng';
import { CORRUPTIONS, corruptions, ORDER_CLASS, type Corruption } from '../tasks/corrupt';
import { generateProblem, type Problem } from '../tasks/problem';
import { tokenizer } from '../tasks/tokenizer';
import type { RLConfig } from './config';
import { scorePerception } from './perception';
import { perceptionRewards } from './rewards';

export interface ClassTally { wins: number; pairs: number }

export interface RewardCheckReport {
  config: RLConfig;
  seed: number;
  count: number;
  classes: Record<Corruption, ClassTally>;
  /** Wins over pairs, all classes. */
  overall: number;
  /** Wins over pairs without the order class (which some rewards rightly ignore). */
  overall_without_order: number;
  /** The lowest per-class win rate outside the order class. */
  worst_class: { cls: Corruption; rate: number };
}

/** A perception reward over one group of descriptions (the truth first), as training computes it. */
export type GroupReward = (problems: readonly Problem[], groups: readonly string[][][]) => Promise<number[][]>;

/** The configured perception reward of `cfg` (MI variants for mirl, F1 for perception-r1), scored by `scorer`. */
export function configuredReward(scorer: TinyVLM, cfg: RLConfig): GroupReward {
  if (cfg.algo === 'grpo') throw new Error('grpo has no perception reward: check mirl or perception-r1');
  if (cfg.algo === 'vision-sr1') throw new Error("vision-sr1's perception reward is sampled (re-answering without the image): the reward check scores deterministic rewards only");
  return async (problems, groups) => {
    const ex = problems.map((p) => problemExample(p, scorer.config));
    const { rows, images } = collate(ex);
    const promptImages = rows.map((r) => r.images.flatMap((ch) => (ch.kind === 'image' ? [ch.index] : [])));
    const descRows = groups.flatMap((g, i) => g.map((d) => ({ ...rows[i], ids: [...rows[i].ids, ...tokenizer.encode(d.join(' '))] })));
    const promptOf = groups.flatMap((g, i) => g.map(() => i));
    const s = await scorePerception(scorer, cfg, {
      descRows, images, promptImages, promptOf, problems, closed: descRows.map(() => true), groups: groups.map((g) => g.length),
    }, 0);
    const out: number[][] = [];
    let o = 0;
    for (const g of groups) {
      out.push(perceptionRewards(s.score.slice(o, o + g.length), cfg));
      o += g.length;
    }
    return out;
  };
}

/** Problems of the check: held-out problems of `seed` (the task generator's index i). */
export function checkProblems(seed: number, count: number): Problem[] {
  return Array.from({ length: count }, (_, i) => generateProblem(seed, i));
}

export async function rewardCheck(
  reward: GroupReward, config: RLConfig, seed: number, count: number, opts: { batch?: number; onProgress?: (done: number) => void } = {},
): Promise<RewardCheckReport> {
  const batch = opts.batch ?? 16;
  const classes = Object.fromEntries(CORRUPTIONS.map((c) => [c, { wins: 0, pairs: 0 }])) as Record<Corruption, ClassTally>;
  const problems = checkProblems(seed, count);
  for (let b = 0; b < count; b += batch) {
    const ps = problems.slice(b, b + batch);
    const sets = ps.map((p) => corruptions(p, new CounterRng(seed, Streams.corrupt, 0, p.index)));
    const rewards = await reward(ps, sets.map((s) => [s.truth, ...s.copies.map((c) => c.words)]));
    sets.forEach((s, i) => s.copies.forEach((c, j) => {
      classes[c.cls].pairs++;
      if (rewards[i][0] > rewards[i][j + 1]) classes[c.cls].wins++;
    }));
    opts.onProgress?.(Math.min(count, b + batch));
  }
  const sum = (cs: Corruption[]) => cs.reduce((a, c) => ({ wins: a.wins + classes[c].wins, pairs: a.pairs + classes[c].pairs }), { wins: 0, pairs: 0 });
  const all = sum([...CORRUPTIONS]), noOrder = sum(CORRUPTIONS.filter((c) => c !== ORDER_CLASS));
  const rate = (t: ClassTally) => (t.pairs ? t.wins / t.pairs : 0);
  const worst = CORRUPTIONS.filter((c) => c !== ORDER_CLASS && classes[c].pairs > 0).reduce((w, c) => (rate(classes[c]) < w.rate ? { cls: c, rate: rate(classes[c]) } : w), { cls: 'drop_object' as Corruption, rate: Infinity });
  return { config, seed, count, classes, overall: rate(all), overall_without_order: rate(noOrder), worst_class: worst };
}

/** The report as a markdown table row set (class, wins/pairs, rate). */
export function rewardCheckTable(r: RewardCheckReport): string {
  const pct = (t: ClassTally) => (t.pairs ? `${((100 * t.wins) / t.pairs).toFixed(1)}%` : 'n/a');
  const lines = ['| class | truth wins | pairs | rate |', '| --- | ---: | ---: | ---: |'];
  for (const c of CORRUPTIONS) lines.push(`| ${c}${c === ORDER_CLASS ? ' (order)' : ''} | ${r.classes[c].wins} | ${r.classes[c].pairs} | ${pct(r.classes[c])} |`);
  lines.push(`| overall | | | ${(100 * r.overall).toFixed(1)}% |`, `| without order | | | ${(100 * r.overall_without_order).toFixed(1)}% |`);
  return lines.join('\n');
}
