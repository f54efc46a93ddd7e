// Aggregates experiment runs (the JSON `npm run experiment` writes) into one row
// per arm — an algorithm with its sizes — as mean and spread over seeds.

import type { RLConfig } from '../../src/rl/config';
import { mean } from '../../src/rl/metrics';
import type { StepMetrics } from '../../src/rl/types';

export interface ExperimentFile {
  config: RLConfig;
  steps: StepMetrics[];
  final: { heldout_answer_acc: number | null; heldout_perception_acc: number | null };
  error: string | null;
  wall_s: number;
}

interface Stat {
  mean: number;
  sd: number;
}

export interface ArmSummary {
  arm: string;
  seeds: number[];
  steps: number;
  heldoutAnswer: Stat;
  heldoutPerception: Stat;
  rewardBlind: Stat;
  luckyGuesses: Stat;
  miAuc: Stat;
  generatedTokens: Stat;
  completeTrajectories: Stat;
  stepSeconds: Stat;
  zeroStd: Stat;
}

/** The arm an experiment belongs to: the algorithm and the sizes that matter for it. */
function armOf(c: RLConfig): string {
  const scorer = c.miScorer === 'warmstart' ? ', MI by frozen warm start' : '';
  // runs made before schema v3 carry no reward fields: theirs was the per-token mean, ungated
  const reward = `, MI ${c.miAgg ?? 'mean'}${(c.percGate ?? 'off') === 'off' ? '' : ' gated'}${c.miClip ? ` clip ${c.miClip}` : ''}`;
  return c.algo === 'mirl' ? `mirl N=${c.N} k=${c.k}${reward}${scorer}` : `${c.algo} G=${c.G}${scorer}`;
}

function stat(xs: readonly number[]): Stat {
  const n = xs.length;
  if (!n) return { mean: NaN, sd: NaN };
  const m = mean(xs);
  // Sample standard deviation across seeds; 0 for a single run.
  return { mean: m, sd: n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1)) : 0 };
}

const finite = (xs: readonly (number | null | undefined)[]): number[] => xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));

/** Mean of a per-step metric over a run's steps, skipping steps where it is undefined. */
const runMean = (steps: readonly StepMetrics[], f: (s: StepMetrics) => number | null | undefined): number => {
  const xs = finite(steps.map(f));
  return xs.length ? mean(xs) : NaN;
};

/** Runs grouped by arm, in first-seen order. */
function byArm(files: readonly ExperimentFile[]): [string, ExperimentFile[]][] {
  const arms = new Map<string, ExperimentFile[]>();
  for (const f of files) arms.set(armOf(f.config), [...(arms.get(armOf(f.config)) ?? []), f]);
  return [...arms];
}

/** One row per arm; failed runs and runs of another length are refused loudly. */
export function summarise(files: readonly ExperimentFile[]): ArmSummary[] {
  const failed = files.find((f) => f.error);
  if (failed) throw new Error(`${armOf(failed.config)} seed ${failed.config.seed} stopped with an error: ${failed.error}`);
  const lengths = new Set(files.map((f) => f.steps.length));
  if (lengths.size > 1) throw new Error(`runs of different lengths (${[...lengths].join(', ')} steps): not comparable`);
  return byArm(files).map(([arm, runs]) => {
    const per = (f: (r: ExperimentFile) => number) => stat(runs.map(f).filter(Number.isFinite));
    return {
      arm,
      seeds: runs.map((r) => r.config.seed),
      steps: runs[0].steps.length,
      heldoutAnswer: per((r) => r.final.heldout_answer_acc ?? NaN),
      heldoutPerception: per((r) => r.final.heldout_perception_acc ?? NaN),
      rewardBlind: per((r) => runMean(r.steps, (s) => s.reward_blind_frac)),
      luckyGuesses: per((r) => runMean(r.steps, (s) => s.lucky_guesses)),
      miAuc: per((r) => runMean(r.steps, (s) => s.mi_auc)),
      generatedTokens: per((r) => runMean(r.steps, (s) => s.generated_tokens)),
      completeTrajectories: per((r) => runMean(r.steps, (s) => s.complete_trajectories)),
      stepSeconds: per((r) => runMean(r.steps, (s) => s.step_ms / 1000)),
      zeroStd: per((r) => runMean(r.steps, (s) => s.zero_std_frac)),
    };
  });
}

const pm = (s: Stat, digits: number, scale = 1) => (Number.isFinite(s.mean) ? `${(s.mean * scale).toFixed(digits)} ± ${(s.sd * scale).toFixed(digits)}` : 'n/a');

/** Difference from the warm start in points, ± its standard error over seeds (the held-out set is shared). */
const delta = (s: Stat, n: number, base: number | undefined) =>
  base === undefined || !Number.isFinite(s.mean)
    ? '–'
    : `${(s.mean - base) * 100 >= 0 ? '+' : ''}${((s.mean - base) * 100).toFixed(1)} ± ${((s.sd / Math.sqrt(n)) * 100).toFixed(1)}`;

/** The README table. `baseline` is the warm start's held-out figures (step 0). */
export function markdownTable(rows: readonly ArmSummary[], baseline?: { answer: number; perception: number }): string {
  const head =
    '| arm | seeds | held-out answer % | vs warm start (pts ± SE) | held-out perception % | vs warm start (pts ± SE) | reward-blind % | lucky guesses / step | MI AUC | generated tok / step | complete traj. / step | wall s / step | zero-std groups % |';
  const sep = '|' + ' --- |'.repeat(13);
  const lines = [head, sep];
  if (baseline) lines.push(`| warm start (step 0) | – | ${(baseline.answer * 100).toFixed(1)} | – | ${(baseline.perception * 100).toFixed(1)} | – | – | – | – | – | – | – | – |`);
  for (const r of rows) {
    const n = r.seeds.length;
    lines.push(
      `| ${r.arm} | ${n} | ${pm(r.heldoutAnswer, 1, 100)} | ${delta(r.heldoutAnswer, n, baseline?.answer)} | ${pm(r.heldoutPerception, 1, 100)} | ${delta(r.heldoutPerception, n, baseline?.perception)} | ${pm(r.rewardBlind, 1, 100)} | ${pm(r.luckyGuesses, 1)} | ${pm(r.miAuc, 3)} | ${pm(r.generatedTokens, 0)} | ${pm(r.completeTrajectories, 0)} | ${pm(r.stepSeconds, 1)} | ${pm(r.zeroStd, 0, 100)} |`,
    );
  }
  return lines.join('\n');
}

/** Per-arm curves averaged over seeds at each step (held-out points only where measured). */
export interface ArmCurve {
  arm: string;
  points: { step: number; cumTokens: number; heldoutAnswer?: number; heldoutPerception?: number; rewardBlind: number }[];
}

export function curves(files: readonly ExperimentFile[], baseline?: { answer: number; perception: number }): ArmCurve[] {
  return byArm(files).map(([arm, runs]) => {
    const n = Math.min(...runs.map((r) => r.steps.length));
    // Defined only where every seed has the value (held-out points are every few steps).
    const avg = (xs: (number | null | undefined)[]) => {
      const v = finite(xs);
      return v.length === xs.length && v.length ? mean(v) : undefined;
    };
    const points: ArmCurve['points'] = baseline ? [{ step: 0, cumTokens: 0, heldoutAnswer: baseline.answer, heldoutPerception: baseline.perception, rewardBlind: NaN }] : [];
    let cum = 0;
    for (let i = 0; i < n; i++) {
      const at = runs.map((r) => r.steps[i]);
      cum += avg(at.map((s) => s.generated_tokens)) ?? 0;
      points.push({
        step: i + 1,
        cumTokens: cum,
        heldoutAnswer: avg(at.map((s) => s.heldout_answer_acc)),
        heldoutPerception: avg(at.map((s) => s.heldout_perception_acc)),
        rewardBlind: avg(at.map((s) => s.reward_blind_frac)) ?? NaN,
      });
    }
    return { arm, points };
  });
}
