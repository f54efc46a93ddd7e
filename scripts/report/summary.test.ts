import { describe, expect, it } from 'vitest';
import { DEFAULT_RL, type RLConfig } from '../../src/rl/config';
import { DEFAULT_FAMILIES } from '../../src/tasks/families';
import type { StepMetrics } from '../../src/rl/types';
import {
  armOf,
  called,
  curves,
  markdownTable,
  REFERENCE_ARM,
  rewardId,
  summarise,
  type ExperimentFile,
  type HeldoutPoint,
} from './summary';

function step(i: number, o: Partial<StepMetrics>): StepMetrics {
  return {
    step: i,
    answer_acc: 0.5,
    perception_acc: 0.2,
    mean_mi: 0.3,
    mi_auc: 0.6,
    reward_blind_frac: 0.1,
    lucky_guesses: 0,
    generated_tokens: 100,
    forward_tokens: 200,
    complete_trajectories: 10,
    step_ms: 2000,
    phase_ms: { sample: 1, score: 1, fork: 1, update: 1 },
    loss: 0,
    kl: 0,
    entropy: 1,
    grad_norm: 1,
    zero_std_frac: 0.25,
    desc_f1: 0.5,
    lr: 1e-4,
    updates: 1,
    mi_group_auc: 0.6,
    ...o,
  };
}

/** Held-out figures whose sampled rates are all `x` (F1 too), with SE 0.01 over problems. */
function ho(at: number, x: number, nll = 0.2): HeldoutPoint {
  return {
    step: at,
    count: 256,
    sampled: {
      k: 4,
      temperature: 1,
      top_p: 1,
      desc_exact: x,
      desc_f1: x,
      answer_acc: x,
      lucky: x,
      se: { desc_exact: 0.01, desc_f1: 0.01, answer_acc: 0.01, lucky: 0.01 },
    },
    greedy: { desc_exact: x, desc_f1: x, answer_acc: x },
    gt_desc_nll: nll,
  };
}

/** A run whose held-out figures are 0.5 at the warm start and `final` after its last step. */
function run(c: Partial<RLConfig>, final: number, steps: StepMetrics[]): ExperimentFile {
  return {
    config: { ...DEFAULT_RL, ...c },
    steps,
    heldout: [ho(0, 0.5, 0.2), ho(steps.length, final, 0.1)],
    error: null,
    wall_s: 1,
  };
}

describe('experiment summary', () => {
  const files = [
    run({ algo: 'grpo', G: 16, seed: 1 }, 0.4, [
      step(0, { reward_blind_frac: 0.2 }),
      step(1, { reward_blind_frac: 0.4 }),
    ]),
    run({ algo: 'perception-r1', G: 6, seed: 1 }, 0.6, [
      step(0, { generated_tokens: 60 }),
      step(1, { generated_tokens: 80 }),
    ]),
    run({ algo: 'grpo', G: 16, seed: 2 }, 0.3, [step(0, { mi_group_auc: null }), step(1, {})]),
    run({ algo: 'perception-r1', G: 6, seed: 2 }, 0.52, [step(0, {}), step(1, {})]),
    run({ algo: 'mirl', N: 10, k: 6, seed: 1 }, 0.41, [
      step(0, { fork_lift_exact: 0.1 }),
      step(1, { fork_lift_exact: 0.2, fork_lift_f1: null }),
    ]),
  ];

  it('names arms by what defines them', () => {
    expect(armOf({ ...DEFAULT_RL, algo: 'mirl', miScorer: 'warmstart' })).toBe(
      'mirl N=10 k=6, MI by frozen warm start',
    );
    expect(armOf({ ...DEFAULT_RL, algo: 'mirl', miScorer: 'policy', miAgg: 'mean', percGate: 'off' })).toBe(
      'mirl N=10 k=6, MI by policy, MI mean, ungated',
    );
    expect(armOf({ ...DEFAULT_RL, algo: 'perception-r1', G: 6 })).toBe('perception-r1 G=6, object credit');
    expect(armOf({ ...DEFAULT_RL, algo: 'grpo', G: 16 })).toBe(REFERENCE_ARM);
    expect(armOf({ ...DEFAULT_RL, algo: 'grpo', families: [...DEFAULT_FAMILIES, 'vicrit'] })).toBe(
      'grpo G=16 + vicrit',
    );
    expect(armOf({ ...DEFAULT_RL, algo: 'grpo', families: ['count', 'grounding'] })).toMatch(
      /^grpo G=16 \+ grounding - attribute - spatial/,
    );
    expect(armOf({ ...DEFAULT_RL, algo: 'grpo', families: ['grounding'] })).toBe('grpo G=16 on grounding only');
  });

  it("summarises a custom reward's runs as an arm of their own, one arm per reward source, paired with GRPO-16", () => {
    const length = 'function reward(input) {\n  return input.description.text.length;\n}\n';
    const f1 = 'function reward(input) {\n  return input.builtins.f1;\n}\n';
    const two = [step(0, {}), step(1, {})];
    const custom = (rewardCode: string, seed: number, final: number) =>
      run({ algo: 'custom', G: 16, rewardCode, seed }, final, two);
    const rows = summarise([
      files[0],
      files[2],
      custom(length, 1, 0.1),
      custom(length, 2, 0.12),
      custom(f1, 1, 0.45),
      custom(f1, 2, 0.35),
    ]);
    expect(rows.map((r) => r.arm)).toEqual([
      'grpo G=16',
      `custom G=16, reward ${rewardId(length)}`,
      `custom G=16, reward ${rewardId(f1)}`,
    ]);
    expect(rewardId(length)).not.toBe(rewardId(f1));
    expect(armOf({ ...DEFAULT_RL, algo: 'custom', rewardCode: f1, rewardMI: true })).toMatch(/ reading MI$/);
    // paired by seed: 0.1 - 0.4 and 0.12 - 0.3; 0.45 - 0.4 and 0.35 - 0.3
    expect(rows[1].vsReference!.desc_f1.mean).toBeCloseTo(-0.24, 12);
    expect(called(rows[1].vsReference!.desc_f1)).toBe(true);
    expect(rows[2].vsReference!.desc_f1.mean).toBeCloseTo(0.05, 12);
    expect(markdownTable(rows)).toContain(
      `| custom G=16, reward ${rewardId(length)} | 2 | **-0.240 ± 0.060** (below) |`,
    );
  });

  it('judges each arm at its last held-out step: change from the warm start and the paired difference from GRPO-16, with SE over seeds', () => {
    const rows = summarise(files);
    expect(rows.map((r) => r.arm)).toEqual([
      'grpo G=16',
      'perception-r1 G=6, object credit',
      'mirl N=10 k=6, MI by frozen warm start',
    ]);
    const [g, p, m] = rows;
    // Every figure is a mean of a few doubles (rounding near 1e-16), so 12 digits: a population SD (0.0354 for the
    // 0.05 below, 0.0071 for 0.01) or a lost sqrt n (0.0707, 0.0141) is off in the second or third digit.
    expect(g.seeds).toEqual([1, 2]);
    expect(g.atStep).toBe(2);
    expect(g.final.desc_f1.mean).toBeCloseTo(0.35, 12);
    expect(g.final.desc_f1.se).toBeCloseTo(0.05, 12); // sd 0.0707 over 2 seeds / sqrt 2
    expect(g.change.desc_f1.mean).toBeCloseTo(-0.15, 12);
    expect(g.gtNllChange.mean).toBeCloseTo(-0.1, 12);
    expect(g.vsReference).toBeNull();
    // paired by seed: 0.6 - 0.4 and 0.52 - 0.3
    expect(p.vsReference!.desc_f1.mean).toBeCloseTo(0.21, 12);
    expect(p.vsReference!.desc_f1.se).toBeCloseTo(0.01, 12);
    expect(called(p.vsReference!.desc_f1)).toBe(true);
    // one seed: a difference is never called
    expect(m.vsReference!.desc_f1.n).toBe(1);
    // MIRL is paired against the labelled bound too: 0.41 - 0.6 on seed 1; the others are not
    expect(m.vsBound!.desc_f1.mean).toBeCloseTo(-0.19, 12);
    expect(p.vsBound).toBeNull();
    expect(called(m.vsReference!.desc_f1)).toBe(false);
    // per-run means first, steps without the figure skipped, then across seeds
    expect(g.rewardBlind.mean).toBeCloseTo(0.2, 12);
    expect(g.groupAuc.mean).toBeCloseTo(0.6, 12);
    expect(p.generatedTokens.mean).toBe(85);
    expect(m.forkLiftExact.mean).toBeCloseTo(0.15, 12);
    expect(m.forkLiftF1.n).toBe(0);
  });

  it('refuses failed runs, runs of different lengths, held-out sets or warm starts, and runs without sampled figures', () => {
    expect(() => summarise([...files, { ...files[0], error: 'non-finite loss' }])).toThrow(/non-finite loss/);
    expect(() => summarise([...files, run({ algo: 'grpo', G: 6 }, 0.1, [step(0, {})])])).toThrow(/different lengths/);
    expect(() =>
      summarise([...files, run({ algo: 'grpo', G: 6, heldoutSamples: 8 }, 0.1, [step(0, {}), step(1, {})])]),
    ).toThrow(/held-out sets/);
    expect(() => summarise([{ ...files[0], heldout: undefined }])).toThrow(/no sampled held-out figures/);
    // a run from the grounding warm start, named or taken by its families, is not paired with one from the shipped
    for (const c of [{ warmStart: 'tinyvlm-v1g' as const }, { families: ['count' as const, 'grounding' as const] }])
      expect(() => summarise([...files, run({ algo: 'grpo', G: 6, ...c }, 0.1, [step(0, {}), step(1, {})])])).toThrow(
        /different warm starts \(tinyvlm-v1, tinyvlm-v1g\)/,
      );
    // all from it, they are
    const v1g = files.map((f) => ({ ...f, config: { ...f.config, warmStart: 'tinyvlm-v1g' as const } }));
    expect(summarise(v1g).map((a) => a.arm)).toEqual(summarise(files).map((a) => a.arm));
  });

  it('writes the held-out table with the warm start, the paired table and the rollout table', () => {
    const md = markdownTable(summarise(files), ho(0, 0.5));
    expect(md).toContain(
      '| warm start (step 0) | – | 0.500 ± 0.010 (SE over problems) | 50.0 ± 1.0 (SE over problems)',
    );
    expect(md).toMatch(/\| grpo G=16 \| 2 \| 0\.350 ± 0\.050 \(-0\.150 ± 0\.050\) \| 35\.0 ± 5\.0 \(-15\.0 ± 5\.0\)/);
    expect(md).toContain('| perception-r1 G=6, object credit | 2 | **+0.210 ± 0.010** (above) |');
    expect(md).toContain('| mirl N=10 k=6, MI by frozen warm start | 1 | +0.010 ± 0.000 (level) |');
    expect(md).toContain('MIRL against the labelled bound (perception-r1 G=6, object credit), paired by seed:');
    expect(md).toContain('| mirl N=10 k=6, MI by frozen warm start | 1 | -0.190 ± 0.000 (level) |');
    expect(md).toMatch(/\| mirl N=10 k=6, MI by frozen warm start \| \+15\.0 ± 0\.0 \| n\/a \|/);
  });

  it("scores each task family's own held-out problems: the change from the warm start, and against GRPO-16 paired by seed", () => {
    // answer score `s` on the family's held-out set (exact answers at half of it)
    const on = (s: number) => {
      const h = ho(0, s / 2);
      return { ...h, sampled: { ...h.sampled!, answer_score: s } };
    };
    // every run from the grounding warm start, as the grounding experiment's are
    const v1g = (f: ExperimentFile): ExperimentFile => ({ ...f, config: { ...f.config, warmStart: 'tinyvlm-v1g' } });
    const withTask = (f: ExperimentFile, end: number) => ({
      ...v1g(f),
      task_heldout: [{ family: 'grounding' as const, start: on(0.2), end: on(end) }],
    });
    // GRPO-16 seeds 1, 2 end at 0.2 and 0.3; the grounding arm at 0.5 and 0.62
    const g = run({ algo: 'grpo', G: 16, seed: 1, families: [...DEFAULT_FAMILIES, 'grounding'] }, 0.45, [
      step(0, {}),
      step(1, {}),
    ]);
    const tasked = [
      withTask(files[0], 0.2),
      withTask(files[2], 0.3),
      withTask(g, 0.5),
      withTask({ ...g, config: { ...g.config, seed: 2 } }, 0.62),
      v1g(files[1]),
    ];
    const rows = summarise(tasked);
    const ref = rows.find((a) => a.arm === REFERENCE_ARM)!;
    const arm = rows.find((a) => a.arm === 'grpo G=16 + grounding')!;
    expect(ref.tasks[0].change.answer_score.mean).toBeCloseTo(0.05, 12);
    expect(ref.tasks[0].vsReference).toBeNull();
    expect(arm.tasks[0].family).toBe('grounding');
    expect(arm.tasks[0].end.answer_score.mean).toBeCloseTo(0.56, 12);
    expect(arm.tasks[0].end.answer_acc.mean).toBeCloseTo(0.28, 12);
    // paired: 0.5 - 0.2 and 0.62 - 0.3
    expect(arm.tasks[0].vsReference!.answer_score.mean).toBeCloseTo(0.31, 12);
    expect(arm.tasks[0].vsReference!.answer_score.se).toBeCloseTo(0.01, 12);
    // an arm with no task figures has none to show, not zeros
    expect(rows.find((a) => a.arm.startsWith('perception-r1'))!.tasks[0].end.answer_score.n).toBe(0);
    // a run scored on another task set is refused, not paired
    const other = { ...tasked[2], task_heldout: [{ ...tasked[2].task_heldout![0], start: { ...on(0.2), count: 64 } }] };
    expect(() => summarise([...tasked.slice(0, 2), other, tasked[3]])).toThrow(/different task held-out sets/);
    const md = markdownTable(rows);
    expect(md).toContain(
      '| grpo G=16 + grounding | 56.0 ± 6.0 (+36.0 ± 6.0) | 28.0 ± 3.0 (+18.0 ± 3.0) | **+31.0 ± 1.0** (above) |',
    );
    expect(md).toContain('| perception-r1 G=6, object credit | n/a (n/a) | n/a (n/a) | n/a |');
  });

  it('averages the held-out curves over seeds, with their SE', () => {
    const g = curves(files).find((a) => a.arm === 'grpo G=16')!;
    expect(g.points.map((q) => q.step)).toEqual([0, 2]);
    expect(g.points[0].desc_exact).toEqual({ mean: 0.5, se: 0, n: 2 });
    expect(g.points[1].answer_acc.mean).toBeCloseTo(0.35, 12);
    // 0.4 and 0.3: sample SD 0.0707 over 2 seeds, / sqrt 2 (12 digits: sums of a few doubles)
    expect(g.points[1].answer_acc.se).toBeCloseTo(0.05, 12);
  });

  it('an SE over three seeds is the sample SD over sqrt 3, in the summary and the curves', () => {
    // With two seeds a population SD with sqrt n lost (sqrt(sum / n)) equals the SE exactly; three tell them apart:
    // 0.4, 0.3, 0.2 have sample SD 0.1, so SE 0.1 / sqrt 3 = 0.0577; population SD / sqrt 3 gives 0.0471,
    // no sqrt n 0.1, both 0.0816. 12 digits: each is a few sums of doubles (rounding near 1e-16).
    const three = [0.4, 0.3, 0.2].map((x, i) =>
      run({ algo: 'grpo', G: 16, seed: i + 1 }, x, [step(0, {}), step(1, {})]),
    );
    const [g] = summarise(three);
    expect(g.final.desc_f1.n).toBe(3);
    expect(g.final.desc_f1.mean).toBeCloseTo(0.3, 12);
    expect(g.final.desc_f1.se).toBeCloseTo(0.1 / Math.sqrt(3), 12);
    expect(curves(three)[0].points[1].answer_acc.se).toBeCloseTo(0.1 / Math.sqrt(3), 12);
  });
});
