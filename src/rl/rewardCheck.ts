// The reward check: a perception reward measured against known-good and
// known-bad outputs before anything optimises it. On held-out problems, the
// ground-truth description and corrupted copies of it form one group, scored
// by the same code path training uses (scorePerception, then the group
// normalisation); per corruption class, how often the truth scores strictly higher.

import type { TinyVLM } from '../model/tinyvlm';
import { CounterRng, Streams } from '../lib/rng';
import { CORRUPTIONS, corruptions, ORDER_CLASS, type Corruption } from '../tasks/corrupt';
import { generateProblem, type Problem } from '../tasks/problem';
import { tokenizer } from '../tasks/tokenizer';
import type { RLConfig } from './config';
import { ALGORITHM_NAMES, ALGORITHM_TABLE, algorithmOf } from './algorithms/table';
import { CHECK_REWARDS } from './algorithms/rollouts';
import {
  customRewardInput,
  customRewardOf,
  rewardMITerms,
  rewardSeed,
  type CustomRewardInput,
  type ScoredDescriptions,
} from './customReward';
import { scorePerception, type PerceptionScores, type PerceptionScoring } from './perception';
import { DESC_END, promptsOf, repeatRows, sampleRows, splitDescription } from './rollout';
import { scoreDescription } from '../tasks/verifier';
import { groupedPairs } from './metrics';
import { perceptionRewards } from './rewards';

interface ClassTally {
  wins: number;
  pairs: number;
}

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

/** The algorithms with a deterministic perception reward the check can score. */
const checkable = () =>
  ALGORITHM_NAMES.filter((a) => ['mi', 'labelled', 'reasoner', 'custom'].includes(ALGORITHM_TABLE[a].perception));

/**
 * The groups' descriptions, each after its problem's prompt, scored by `scorer` as training scores them
 * (scorePerception; every description closed, the gate ranking within each group).
 */
async function scoreGroups(
  scorer: TinyVLM,
  cfg: RLConfig,
  problems: readonly Problem[],
  groups: readonly string[][][],
  scoring: PerceptionScoring,
): Promise<{ d: ScoredDescriptions; s: PerceptionScores }> {
  const { rows, images, promptImages } = promptsOf([...problems], scorer.config);
  const promptOf = groups.flatMap((g, i) => g.map(() => i));
  const descRows = groups.flatMap((g, i) =>
    g.map((d) => ({ ...rows[i], ids: [...rows[i].ids, ...tokenizer.encode(d.join(' '))] })),
  );
  const d = { descRows, images, promptImages, promptOf };
  const s = await scorePerception(
    scorer,
    cfg,
    { ...d, problems, closed: descRows.map(() => true), groups: groups.map((g) => g.length) },
    0,
    { scoring },
  );
  return { d, s };
}

/**
 * The user's reward (cfg.rewardCode) over each group, as training calls it: descriptions alone
 * (input.answer null), seeded by the row; with rewardMI, MI scored by `scorer` (needed only then).
 */
export function customGroupReward(scorer: TinyVLM | null, cfg: RLConfig): GroupReward {
  return async (problems, groups) => {
    const reward = await customRewardOf(cfg.rewardCode);
    const promptOf = groups.flatMap((g, i) => g.map(() => i));
    const words = groups.flat();
    let mi: CustomRewardInput['mi'][] = words.map(() => null);
    if (cfg.rewardMI) {
      if (!scorer) throw new Error('the reward reads MI (rewardMI): the check needs the model to score it');
      const { d, s } = await scoreGroups(scorer, cfg, problems, groups, 'metric');
      mi = await rewardMITerms(scorer, cfg, d, 0, s);
    }
    const inputs = words.map((d, i) =>
      customRewardInput(
        { problem: problems[promptOf[i]], desc: d, closed: true, completion: null, mi: mi[i] },
        { step: 0, trajectory: i, formatReward: cfg.formatReward },
      ),
    );
    const scores = reward.score(
      inputs,
      inputs.map((_, i) => rewardSeed(cfg.seed, 0, i)),
    );
    let o = 0;
    return groups.map((g) => perceptionRewards(scores.slice(o, (o += g.length)), cfg));
  };
}

/** How the check scores a config's descriptions: F1 where the reward is labelled, gated MI otherwise. */
const scoringOf = (cfg: RLConfig): PerceptionScoring =>
  algorithmOf(cfg).perception === 'labelled' ? 'labelled' : 'mi';

/** The configured perception reward of `cfg` (MI variants for mirl, F1 for perception-r1, RACRO's reasoner), scored by `scorer`. */
export function configuredReward(scorer: TinyVLM, cfg: RLConfig): GroupReward {
  const row = algorithmOf(cfg);
  if (row.perception === 'custom') return customGroupReward(scorer, cfg);
  if (row.perception === 'none')
    throw new Error(`${cfg.algo} has no perception reward: check ${checkable().join(' or ')}`);
  if (row.perception === 'probe')
    throw new Error(
      `${cfg.algo}'s perception signal is the policy's sampled answers to probe questions, not a score of a description: the reward check scores deterministic rewards only`,
    );
  if (row.perception === 're-answer')
    throw new Error(
      `${cfg.algo}'s perception reward is sampled (re-answering without the image): the reward check scores deterministic rewards only`,
    );
  const own = CHECK_REWARDS[cfg.algo];
  if (own)
    // the algorithm's own reward (RACRO's reasoner), the scorer being the checkpoint under test
    return async (problems, groups) => {
      const { rows } = promptsOf([...problems], scorer.config);
      const q = groups.flatMap((g, i) =>
        g.map((d) => ({ row: rows[i], desc: tokenizer.encode(d.join(' ')), problem: problems[i] })),
      );
      const reward = await own(
        scorer,
        { rows: q.map((x) => x.row), desc: q.map((x) => x.desc), problems: q.map((x) => x.problem) },
        cfg,
      );
      let o = 0;
      return groups.map((g) => reward.slice(o, (o += g.length)));
    };
  return async (problems, groups) => {
    const { s } = await scoreGroups(scorer, cfg, problems, groups, scoringOf(cfg));
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
function checkProblems(seed: number, count: number): Problem[] {
  return Array.from({ length: count }, (_, i) => generateProblem(seed, i));
}

export async function rewardCheck(
  reward: GroupReward,
  config: RLConfig,
  seed: number,
  count: number,
  opts: { batch?: number; onProgress?: (done: number) => void } = {},
): Promise<RewardCheckReport> {
  const batch = opts.batch ?? 16;
  const classes = Object.fromEntries(CORRUPTIONS.map((c) => [c, { wins: 0, pairs: 0 }])) as Record<
    Corruption,
    ClassTally
  >;
  const problems = checkProblems(seed, count);
  for (let b = 0; b < count; b += batch) {
    const ps = problems.slice(b, b + batch);
    const sets = ps.map((p) => corruptions(p, new CounterRng(seed, Streams.corrupt, 0, p.index)));
    const rewards = await reward(
      ps,
      sets.map((s) => [s.truth, ...s.copies.map((c) => c.words)]),
    );
    sets.forEach((s, i) =>
      s.copies.forEach((c, j) => {
        classes[c.cls].pairs++;
        if (rewards[i][0] > rewards[i][j + 1]) classes[c.cls].wins++;
      }),
    );
    opts.onProgress?.(Math.min(count, b + batch));
  }
  const sum = (cs: Corruption[]) =>
    cs.reduce((a, c) => ({ wins: a.wins + classes[c].wins, pairs: a.pairs + classes[c].pairs }), { wins: 0, pairs: 0 });
  const all = sum([...CORRUPTIONS]);
  const noOrder = sum(CORRUPTIONS.filter((c) => c !== ORDER_CLASS));
  const rate = (t: ClassTally) => (t.pairs ? t.wins / t.pairs : 0);
  const worst = CORRUPTIONS.filter((c) => c !== ORDER_CLASS && classes[c].pairs > 0).reduce(
    (w, c) => (rate(classes[c]) < w.rate ? { cls: c, rate: rate(classes[c]) } : w),
    { cls: 'drop_object' as Corruption, rate: Infinity },
  );
  return { config, seed, count, classes, overall: rate(all), overall_without_order: rate(noOrder), worst_class: worst };
}

/** The report as a markdown table row set (class, wins/pairs, rate). */
export function rewardCheckTable(r: RewardCheckReport): string {
  const pct = (t: ClassTally) => (t.pairs ? `${((100 * t.wins) / t.pairs).toFixed(1)}%` : 'n/a');
  const lines = ['| class | truth wins | pairs | rate |', '| --- | ---: | ---: | ---: |'];
  for (const c of CORRUPTIONS)
    lines.push(
      `| ${c}${c === ORDER_CLASS ? ' (order)' : ''} | ${r.classes[c].wins} | ${r.classes[c].pairs} | ${pct(r.classes[c])} |`,
    );
  lines.push(
    `| overall | | | ${(100 * r.overall).toFixed(1)}% |`,
    `| without order | | | ${(100 * r.overall_without_order).toFixed(1)}% |`,
  );
  return lines.join('\n');
}

export interface SampleRankReport {
  config: RLConfig;
  seed: number;
  count: number;
  samples: number;
  /** Within each prompt's group: P(reward of an exactly right description > a wrong one), ties half; null without such pairs. */
  group_auc_exact: number | null;
  exact_pairs: number;
  /** Within each group, over pairs whose F1 differs: the fraction the reward orders as F1 does (ties half). */
  f1_agreement: number | null;
  f1_pairs: number;
  /** Mean F1 of the top-k by reward vs of all samples: what forking the top k would keep. */
  topk_f1: number;
  all_f1: number;
  k: number;
}

/**
 * The reward on the model's own samples, ranked within each prompt's group
 * as training ranks them: N descriptions sampled per held-out problem
 * (temperature and length from `cfg`), scored through the training path.
 */
export async function sampleRankCheck(
  model: TinyVLM,
  config: RLConfig,
  seed: number,
  count: number,
  opts: { batch?: number; onProgress?: (done: number) => void } = {},
): Promise<SampleRankReport> {
  const batch = opts.batch ?? 8;
  const N = config.N;
  const k = config.k;
  let exW = 0;
  let exP = 0;
  let f1W = 0;
  let f1P = 0;
  let topF1 = 0;
  let allF1 = 0;
  let groups = 0;
  const all = checkProblems(seed, count);
  for (let b = 0; b < count; b += batch) {
    const problems = all.slice(b, b + batch);
    const prompts = promptsOf(problems, model.config);
    const rows = repeatRows(prompts.rows, N);
    const s = await sampleRows(
      model,
      { rows, images: prompts.images, rowIds: rows.map((_, i) => b * N + i) },
      { stop: DESC_END, maxNew: config.maxDescTokens, cfg: { ...config, seed }, step: 0 },
    );
    const split = s.tokens.map(splitDescription);
    const descRows = rows.map((r, i) => ({ ...r, ids: [...r.ids, ...split[i].desc] }));
    const promptOf = rows.map((_, i) => Math.floor(i / N));
    const sc = await scorePerception(
      model,
      config,
      {
        descRows,
        images: prompts.images,
        promptImages: prompts.promptImages,
        promptOf,
        problems,
        closed: split.map((x) => x.closed),
        groups: problems.map(() => N),
      },
      0,
      { scoring: scoringOf(config) },
    );
    const labels = split.map((x, i) => scoreDescription(tokenizer.decodeWords(x.desc), problems[promptOf[i]]));
    for (let g = 0; g < problems.length; g++) {
      const idx = Array.from({ length: N }, (_, j) => g * N + j);
      const r = perceptionRewards(
        idx.map((i) => sc.score[i]),
        config,
      );
      const ex = groupedPairs(
        r,
        idx.map((i) => labels[i].exact),
        N,
      );
      exW += ex.wins;
      exP += ex.pairs;
      for (let a = 0; a < N; a++) {
        for (let c = a + 1; c < N; c++) {
          const la = labels[idx[a]];
          const lc = labels[idx[c]];
          if (la.f1 !== lc.f1) {
            f1P++;
            f1W += r[a] === r[c] ? 0.5 : r[a] > r[c] === la.f1 > lc.f1 ? 1 : 0;
          }
        }
      }
      const top = [...Array(N).keys()].sort((a, c) => r[c] - r[a] || a - c).slice(0, k);
      topF1 += top.reduce((acc, j) => acc + labels[idx[j]].f1, 0) / k;
      allF1 += idx.reduce((acc, i) => acc + labels[i].f1, 0) / N;
      groups++;
    }
    opts.onProgress?.(Math.min(count, b + batch));
  }
  return {
    config,
    seed,
    count,
    samples: N,
    group_auc_exact: exP ? exW / exP : null,
    exact_pairs: exP,
    f1_agreement: f1P ? f1W / f1P : null,
    f1_pairs: f1P,
    topk_f1: topF1 / groups,
    all_f1: allF1 / groups,
    k,
  };
}
