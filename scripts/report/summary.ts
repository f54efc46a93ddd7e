// Aggregates experiment runs (the JSON `npm run experiment` writes) into one row
// per arm — an algorithm with its sizes — judged by held-out figures over samples:
// each arm's change from the warm start, and its difference from the reference
// arm (GRPO-16) paired by seed, both as mean ± standard error over seeds.

import { DEFAULT_FAMILIES, warmStartFor, type FamilyName } from '../../src/tasks/families';
import type { HeldoutFigures } from '../../src/model/evaluate';
import type { RLConfig } from '../../src/rl/config';
import { mean } from '../../src/rl/metrics';
import type { StepMetrics } from '../../src/rl/types';
import { findAlgorithm } from '../../src/rl/algorithms/table';
import { fnv1a, hex32 } from '../../src/lib/fnv';

export interface HeldoutPoint extends HeldoutFigures {
  step: number;
}

export interface ExperimentFile {
  config: RLConfig;
  steps: StepMetrics[];
  /** Every held-out evaluation of the run, the warm start as step 0 (runs before v5 have none). */
  heldout?: HeldoutPoint[];
  /** `--task-heldout`: held-out problems of one family alone, at the warm start and after the last step. */
  task_heldout?: { family: FamilyName; start: HeldoutFigures; end: HeldoutFigures | null }[];
  error: string | null;
  wall_s: number;
}

/** The held-out figures an arm is judged by, each a mean over the samples of every problem. */
const FIGS = ['desc_f1', 'desc_exact', 'answer_acc', 'lucky'] as const;
export type Fig = (typeof FIGS)[number];
const FIG_NAMES: Record<Fig, string> = {
  desc_f1: 'description F1',
  desc_exact: 'exact descriptions %',
  answer_acc: 'answers %',
  lucky: 'lucky guesses %',
};

/** The answer figures of a task family's held-out set: the verifier's graded score (IoU credit for boxes) and exact answers. */
const TASK_FIGS = ['answer_score', 'answer_acc'] as const;
type TaskFig = (typeof TASK_FIGS)[number];

interface TaskSummary {
  family: FamilyName;
  end: Record<TaskFig, Stat>;
  change: Record<TaskFig, Stat>;
  /** Minus the reference arm, paired by seed; null for the reference itself. */
  vsReference: Record<TaskFig, Stat> | null;
}

/** Mean over seeds and its standard error (sample sd / sqrt n; 0 for one seed). */
export interface Stat {
  mean: number;
  se: number;
  n: number;
}

/** The reference every arm is paired against. */
export const REFERENCE_ARM = 'grpo G=16';
/** The labelled bound MIRL is also paired against. */
const BOUND_ARM = 'perception-r1 G=6, object credit';

export interface ArmSummary {
  arm: string;
  seeds: number[];
  steps: number;
  /** The step of the last held-out evaluation, where the arm is judged. */
  atStep: number;
  final: Record<Fig, Stat>;
  /** Last held-out evaluation minus the warm start's (step 0), per seed. */
  change: Record<Fig, Stat>;
  greedyExact: Stat;
  gtNllChange: Stat;
  /** Minus the reference arm at the same step, paired by seed; null for the reference itself or without shared seeds. */
  vsReference: Record<Fig, Stat> | null;
  /** MIRL arms: minus the labelled bound (Perception-R1), paired by seed; null otherwise. */
  vsBound: Record<Fig, Stat> | null;
  /** On each task family's own held-out problems (runs with task_heldout): the answer figures after the last step. */
  tasks: TaskSummary[];
  forkLiftExact: Stat;
  forkLiftF1: Stat;
  groupAuc: Stat;
  /** The same over the first and the last 10 steps: whether the MI ranking holds up as the policy trains. */
  groupAucFirst: Stat;
  groupAucLast: Stat;
  luckyPerStep: Stat;
  rewardBlind: Stat;
  generatedTokens: Stat;
  completeTrajectories: Stat;
  stepSeconds: Stat;
}

/** The arm an experiment belongs to: the algorithm and the settings that define it. */
export function armOf(c: RLConfig): string {
  // an experiment file from elsewhere may name an algorithm this table does not know: named plainly
  const row = findAlgorithm(c.algo);
  // a family mix other than the default's is part of the arm (e.g. "+ vicrit")
  const extra = (c.families ?? []).filter((f) => !(DEFAULT_FAMILIES as readonly string[]).includes(f));
  const missing = DEFAULT_FAMILIES.filter((f) => c.families && !c.families.includes(f));
  const mix =
    extra.length && missing.length === DEFAULT_FAMILIES.length
      ? ` on ${extra.join(', ')} only`
      : `${extra.map((f) => ` + ${f}`).join('')}${missing.map((f) => ` - ${f}`).join('')}`;
  const size = `${row?.group === 'forks' ? `N=${c.N} k=${c.k}` : `G=${c.G}`}${mix}`;
  if (row?.perception === 'mi') {
    const reward = `${c.miAgg === 'mean' ? ', MI mean' : ''}${c.percGate === 'off' ? ', ungated' : ''}${c.miClip ? `, clip ${c.miClip}` : ''}`;
    return `${c.algo} ${size}, MI by ${c.miScorer === 'warmstart' ? 'frozen warm start' : 'policy'}${reward}${c.beta ? `, KL ${c.beta}` : ''}`;
  }
  if (row?.perception === 'labelled') return `${c.algo} ${size}, ${c.percCredit} credit`;
  // runs of one reward are one arm, two rewards two arms: named by a hash of the source, which the file holds
  if (row?.perception === 'custom')
    return `${c.algo} ${size}, reward ${rewardId(c.rewardCode ?? '')}${c.rewardMI ? ' reading MI' : ''}${c.beta ? `, KL ${c.beta}` : ''}`;
  return `${c.algo} ${size}${c.beta ? `, KL ${c.beta}` : ''}`;
}

/** A custom reward's name in the report: FNV-1a of its source's UTF-8. */
export const rewardId = (source: string): string => hex32(fnv1a(new TextEncoder().encode(source)));

function stat(xs: readonly number[]): Stat {
  const v = xs.filter(Number.isFinite);
  const n = v.length;
  if (!n) return { mean: NaN, se: NaN, n: 0 };
  const m = mean(v);
  return { mean: m, se: n > 1 ? Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1) / n) : 0, n };
}

/** Whether a difference is called: beyond 2 standard errors, with at least two seeds. */
export const called = (s: Stat): boolean => s.n > 1 && Number.isFinite(s.mean) && Math.abs(s.mean) > 2 * s.se;

const finite = (xs: readonly (number | null | undefined)[]): number[] =>
  xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));

/** Mean of a per-step metric over a run's steps, skipping steps where it is undefined. */
const runMean = (steps: readonly StepMetrics[], f: (s: StepMetrics) => number | null | undefined): number => {
  const xs = finite(steps.map(f));
  return xs.length ? mean(xs) : NaN;
};

/** A run's sampled figure at a held-out step (NaN where it has none). */
const sampledAt = (r: ExperimentFile, step: number, k: Fig): number =>
  r.heldout?.find((h) => h.step === step)?.sampled?.[k] ?? NaN;

/** Runs grouped by arm, in first-seen order. */
function byArm(files: readonly ExperimentFile[]): [string, ExperimentFile[]][] {
  const arms = new Map<string, ExperimentFile[]>();
  for (const f of files) arms.set(armOf(f.config), [...(arms.get(armOf(f.config)) ?? []), f]);
  return [...arms];
}

const perFig = (f: (k: Fig) => Stat) => Object.fromEntries(FIGS.map((k) => [k, f(k)])) as Record<Fig, Stat>;

/** A run's figure on a task family's held-out set, at the warm start or the end (NaN where it has none). */
function taskAt(r: ExperimentFile, family: FamilyName, at: 'start' | 'end', k: TaskFig): number {
  const s = r.task_heldout?.find((t) => t.family === family)?.[at]?.sampled;
  return (k === 'answer_score' ? s?.answer_score : s?.answer_acc) ?? NaN;
}

/** Each task family any run scored: the arm's figures there, and against the reference paired by seed. */
function taskSummaries(
  runs: readonly ExperimentFile[],
  ref: readonly ExperimentFile[] | undefined,
  families: readonly FamilyName[],
  isRef: boolean,
): TaskSummary[] {
  const per = (f: (k: TaskFig) => Stat) => Object.fromEntries(TASK_FIGS.map((k) => [k, f(k)])) as Record<TaskFig, Stat>;
  return families.map((family) => ({
    family,
    end: per((k) => stat(runs.map((r) => taskAt(r, family, 'end', k)))),
    change: per((k) => stat(runs.map((r) => taskAt(r, family, 'end', k) - taskAt(r, family, 'start', k)))),
    vsReference:
      isRef || !ref
        ? null
        : per((k) =>
            stat(
              runs.flatMap((r) => {
                const twin = ref.find((q) => q.config.seed === r.config.seed);
                return twin ? [taskAt(r, family, 'end', k) - taskAt(twin, family, 'end', k)] : [];
              }),
            ),
          ),
  }));
}

/** One row per arm; failed runs, runs of another length and runs without sampled held-out figures are refused loudly. */
export function summarise(files: readonly ExperimentFile[]): ArmSummary[] {
  const failed = files.find((f) => f.error);
  if (failed)
    throw new Error(`${armOf(failed.config)} seed ${failed.config.seed} stopped with an error: ${failed.error}`);
  const lengths = new Set(files.map((f) => f.steps.length));
  if (lengths.size > 1) throw new Error(`runs of different lengths (${[...lengths].join(', ')} steps): not comparable`);
  const bare = files.find((f) => !f.heldout?.some((h) => h.step === 0 && h.sampled) || f.heldout.length < 2);
  if (bare)
    throw new Error(
      `${armOf(bare.config)} seed ${bare.config.seed} has no sampled held-out figures at step 0 and later (a run from before v5?)`,
    );
  const sets = new Set(
    files.map(
      (f) =>
        `${f.config.heldoutSeed}/${f.config.heldoutCount}/${f.config.heldoutSamples}/${f.config.temperature}/${f.config.topP}`,
    ),
  );
  if (sets.size > 1)
    throw new Error(`runs scored on different held-out sets (${[...sets].join(', ')}): not comparable`);
  // arms are paired by seed and share one warm-start row: runs from different checkpoints cannot be
  const starts = new Set(files.map((f) => warmStartFor(f.config.families ?? DEFAULT_FAMILIES, f.config.warmStart)));
  if (starts.size > 1)
    throw new Error(`runs from different warm starts (${[...starts].join(', ')}): not comparable; report them apart`);
  const arms = byArm(files);
  const ref = arms.find(([a]) => a === REFERENCE_ARM)?.[1];
  const taskFamilies = [...new Set(files.flatMap((f) => (f.task_heldout ?? []).map((t) => t.family)))];
  // a task's figures are paired end against end: only right when every run scored the same problems and samples
  const taskSets = new Set(
    files.flatMap((f) => (f.task_heldout ?? []).map((t) => `${t.family}/${t.start.count}/${t.start.sampled?.k ?? 0}`)),
  );
  if (taskSets.size > taskFamilies.length)
    throw new Error(`runs scored on different task held-out sets (${[...taskSets].join(', ')}): not comparable`);
  const bound = arms.find(([a]) => a === BOUND_ARM)?.[1];
  return arms.map(([arm, runs]) => {
    const atStep = Math.min(...runs.map((r) => Math.max(...r.heldout!.map((h) => h.step))));
    const per = (f: (r: ExperimentFile) => number) => stat(runs.map(f));
    const paired = (against: ExperimentFile[] | undefined) => (k: Fig) =>
      stat(
        runs.flatMap((r) => {
          const twin = against?.find((q) => q.config.seed === r.config.seed);
          return twin ? [sampledAt(r, atStep, k) - sampledAt(twin, atStep, k)] : [];
        }),
      );
    const last = (r: ExperimentFile) => r.heldout!.find((h) => h.step === atStep)!;
    const first = (r: ExperimentFile) => r.heldout!.find((h) => h.step === 0)!;
    return {
      arm,
      seeds: runs.map((r) => r.config.seed),
      steps: runs[0].steps.length,
      atStep,
      final: perFig((k) => per((r) => sampledAt(r, atStep, k))),
      change: perFig((k) => per((r) => sampledAt(r, atStep, k) - sampledAt(r, 0, k))),
      greedyExact: per((r) => last(r).greedy.desc_exact),
      gtNllChange: per((r) => (last(r).gt_desc_nll ?? NaN) - (first(r).gt_desc_nll ?? NaN)),
      vsReference: arm === REFERENCE_ARM || !ref ? null : perFig(paired(ref)),
      vsBound: findAlgorithm(runs[0].config.algo)?.perception !== 'mi' || !bound ? null : perFig(paired(bound)),
      tasks: taskSummaries(runs, ref, taskFamilies, arm === REFERENCE_ARM),
      forkLiftExact: per((r) => runMean(r.steps, (s) => s.fork_lift_exact)),
      forkLiftF1: per((r) => runMean(r.steps, (s) => s.fork_lift_f1)),
      groupAuc: per((r) => runMean(r.steps, (s) => s.mi_group_auc)),
      groupAucFirst: per((r) => runMean(r.steps.slice(0, 10), (s) => s.mi_group_auc)),
      groupAucLast: per((r) => runMean(r.steps.slice(-10), (s) => s.mi_group_auc)),
      luckyPerStep: per((r) => runMean(r.steps, (s) => s.lucky_guesses)),
      rewardBlind: per((r) => runMean(r.steps, (s) => s.reward_blind_frac)),
      generatedTokens: per((r) => runMean(r.steps, (s) => s.generated_tokens)),
      completeTrajectories: per((r) => runMean(r.steps, (s) => s.complete_trajectories)),
      stepSeconds: per((r) => runMean(r.steps, (s) => s.step_ms / 1000)),
    };
  });
}

/** F1 as a fraction with 3 decimals; the rates in points with 1. */
const scaleOf = (k: Fig) => (k === 'desc_f1' ? { x: 1, d: 3 } : { x: 100, d: 1 });
const fmt = (s: Stat, x: number, d: number, signed = false) =>
  Number.isFinite(s.mean)
    ? `${signed && s.mean >= 0 ? '+' : ''}${(s.mean * x).toFixed(d)} ± ${(s.se * x).toFixed(d)}`
    : 'n/a';
const figCell = (s: Stat, k: Fig, signed = false) => fmt(s, scaleOf(k).x, scaleOf(k).d, signed);
/** A paired difference, in bold with its direction where it is beyond 2 standard errors. */
const diffCell = (s: Stat, k: Fig) =>
  called(s) ? `**${figCell(s, k, true)}** (${s.mean > 0 ? 'above' : 'below'})` : `${figCell(s, k, true)} (level)`;

/** The README tables: held-out figures over samples, the paired differences against GRPO-16, and the rollouts. */
export function markdownTable(rows: readonly ArmSummary[], warmStart?: HeldoutFigures): string {
  const out: string[] = [];
  const n0 = rows[0];
  out.push(
    `Held-out figures at step ${n0?.atStep}, means over samples (mean ± SE over seeds; in brackets the change from the warm start, ± SE over seeds):`,
    '',
    `| arm | seeds | ${FIGS.map((k) => FIG_NAMES[k]).join(' | ')} | greedy exact % | GT description NLL change |`,
    '|' + ' --- |'.repeat(FIGS.length + 4),
  );
  if (warmStart?.sampled) {
    const w = warmStart.sampled;
    out.push(
      `| warm start (step 0) | – | ${FIGS.map((k) => `${(w[k] * scaleOf(k).x).toFixed(scaleOf(k).d)} ± ${(w.se[k] * scaleOf(k).x).toFixed(scaleOf(k).d)} (SE over problems)`).join(' | ')} | ${(100 * warmStart.greedy.desc_exact).toFixed(1)} | – |`,
    );
  }
  for (const r of rows) {
    out.push(
      `| ${r.arm} | ${r.seeds.length} | ${FIGS.map((k) => `${figCell(r.final[k], k)} (${figCell(r.change[k], k, true)})`).join(' | ')} | ${fmt(r.greedyExact, 100, 1)} | ${fmt(r.gtNllChange, 1, 4, true)} |`,
    );
  }
  out.push(
    '',
    `Against ${REFERENCE_ARM}, paired by seed (mean ± SE of the per-seed difference; called above or below only beyond 2 SE):`,
    '',
    `| arm | seeds | ${FIGS.map((k) => FIG_NAMES[k]).join(' | ')} |`,
    '|' + ' --- |'.repeat(FIGS.length + 2),
  );
  for (const r of rows)
    if (r.vsReference)
      out.push(
        `| ${r.arm} | ${r.vsReference.desc_f1.n} | ${FIGS.map((k) => diffCell(r.vsReference![k], k)).join(' | ')} |`,
      );
  if (rows.some((r) => r.vsBound)) {
    out.push(
      '',
      `MIRL against the labelled bound (${BOUND_ARM}), paired by seed:`,
      '',
      `| arm | seeds | ${FIGS.map((k) => FIG_NAMES[k]).join(' | ')} |`,
      '|' + ' --- |'.repeat(FIGS.length + 2),
    );
    for (const r of rows)
      if (r.vsBound)
        out.push(`| ${r.arm} | ${r.vsBound.desc_f1.n} | ${FIGS.map((k) => diffCell(r.vsBound![k], k)).join(' | ')} |`);
  }
  const families = rows[0]?.tasks.map((t) => t.family) ?? [];
  if (families.length) {
    const pts = (s: Stat, signed = false) => fmt(s, 100, 1, signed);
    const vs = (s: Stat | undefined) =>
      !s
        ? '–'
        : !s.n
          ? 'n/a'
          : called(s)
            ? `**${pts(s, true)}** (${s.mean > 0 ? 'above' : 'below'})`
            : `${pts(s, true)} (level)`;
    out.push(
      '',
      `On each task family's own held-out problems after the last step: answer score (the verifier's graded score, IoU credit for boxes) and exact answers, % (mean ± SE over seeds; in brackets the change from the warm start), and against ${REFERENCE_ARM} paired by seed:`,
      '',
      `| arm | ${families.map((f) => `${f}: answer score | ${f}: exact answers | ${f}: score vs ${REFERENCE_ARM}`).join(' | ')} |`,
      '|' + ' --- |'.repeat(1 + 3 * families.length),
    );
    for (const r of rows)
      out.push(
        `| ${r.arm} | ${r.tasks.map((t) => `${pts(t.end.answer_score)} (${pts(t.change.answer_score, true)}) | ${pts(t.end.answer_acc)} (${pts(t.change.answer_acc, true)}) | ${vs(t.vsReference?.answer_score)}`).join(' | ')} |`,
      );
  }
  out.push(
    '',
    'Rollouts, means over steps (± SE over seeds):',
    '',
    '| arm | fork lift, exact pts | fork lift, F1 | MI AUC within groups: all steps, first 10, last 10 | lucky guesses / step | reward-blind % | generated tok / step | complete traj. / step | wall s / step |',
    '|' + ' --- |'.repeat(9),
  );
  for (const r of rows) {
    out.push(
      `| ${r.arm} | ${fmt(r.forkLiftExact, 100, 1, true)} | ${fmt(r.forkLiftF1, 1, 3, true)} | ${fmt(r.groupAuc, 1, 3)}, ${fmt(r.groupAucFirst, 1, 3)}, ${fmt(r.groupAucLast, 1, 3)} | ${fmt(r.luckyPerStep, 1, 1)} | ${fmt(r.rewardBlind, 100, 1)} | ${fmt(r.generatedTokens, 1, 0)} | ${fmt(r.completeTrajectories, 1, 0)} | ${fmt(r.stepSeconds, 1, 1)} |`,
    );
  }
  return out.join('\n');
}

/** Per-arm held-out curves: at each held-out step, each figure's mean and SE over seeds. */
export interface ArmCurve {
  arm: string;
  points: ({ step: number } & Record<Fig, Stat>)[];
}

export function curves(files: readonly ExperimentFile[]): ArmCurve[] {
  return byArm(files).map(([arm, runs]) => {
    const steps = [...new Set(runs.flatMap((r) => (r.heldout ?? []).map((h) => h.step)))].sort((a, b) => a - b);
    // a point only where every seed has it
    const points = steps
      .filter((s) => runs.every((r) => r.heldout?.some((h) => h.step === s && h.sampled)))
      .map((s) => ({ step: s, ...perFig((k) => stat(runs.map((r) => sampledAt(r, s, k)))) }));
    return { arm, points };
  });
}
