// The teaching comparison's arithmetic: held-out changes with their errors, the 2-SE call, time left.
import { describe, expect, it } from 'vitest';
import type { HeldoutFigures } from '../model/evaluate';
import { readFileSync } from 'node:fs';
import { DEFAULT_FAMILIES, warmStartFor } from '../tasks/families';
import {
  armChange,
  armDifference,
  armStart,
  compare,
  comparisonArms,
  comparisonEtaMs,
  customArm,
  customArmsOf,
  heldoutChange,
  pairedRows,
  remainingMs,
  runPerSeed,
  type SeededRun,
} from './comparison';
import { DEFAULT_RL } from './config';
import { validateRL } from './configValidation';
import type { StepMetrics } from './types';
import { experimentArms } from '../../scripts/experiment-arms';

const figs = (f1: number, se: number): HeldoutFigures => ({
  count: 256,
  sampled: {
    k: 4,
    temperature: 1,
    top_p: 1,
    desc_exact: f1 / 2,
    desc_f1: f1,
    answer_acc: 0.4,
    lucky: 0.3,
    se: { desc_exact: se, desc_f1: se, answer_acc: se, lucky: se },
  },
  greedy: { desc_exact: 0.3, desc_f1: 0.6, answer_acc: 0.5 },
  gt_desc_nll: 0.16,
});
const step = (i: number, ms: number, x: Partial<StepMetrics> = {}) => ({ step: i, step_ms: ms, ...x }) as StepMetrics;

describe('your reward as an arm', () => {
  it("takes the reward and G from the config it was written in, the rest from the comparison's GRPO-16", () => {
    const code = 'function reward(input) {\n  return input.builtins.f1;\n}\n';
    const written = {
      ...DEFAULT_RL,
      algo: 'custom' as const,
      rewardCode: code,
      rewardMI: true,
      G: 8,
      lr: 0.01,
      steps: 3,
    };
    const arm = customArm(written, 2)!;
    const grpo = comparisonArms(2)[0];
    expect(arm).toMatchObject({ id: 'custom', ref: 'grpo', kind: 'algorithm', core: false });
    expect(arm.config).toEqual({ ...grpo.config, algo: 'custom', G: 8, rewardCode: code, rewardMI: true });
    expect(validateRL(arm.config)).toEqual({});
    // no custom reward, no arm
    expect(customArm({ ...DEFAULT_RL, algo: 'grpo', rewardCode: code })).toBeNull();
    expect(customArm({ ...DEFAULT_RL, algo: 'custom', rewardCode: '  ' })).toBeNull();
  });

  it("finds the custom arms among runs: one per reward run at the comparison's size, whatever the seed", () => {
    const a = customArm({ ...DEFAULT_RL, algo: 'custom', rewardCode: 'function reward(i) { return 1 }' })!;
    const b = customArm({ ...DEFAULT_RL, algo: 'custom', rewardCode: 'function reward(i) { return 2 }' })!;
    const arms = customArmsOf([
      comparisonArms(1)[0].config,
      { ...a.config, seed: 1 },
      { ...a.config, seed: 2 },
      // a quick run of it is not the arm's
      { ...b.config, steps: 2 },
      { ...b.config, seed: 3 },
    ]);
    expect(arms.map((x) => [x.id, x.name, x.config.rewardCode])).toEqual([
      ['custom', 'Your reward', a.config.rewardCode],
      ['custom-2', 'Your reward 2', b.config.rewardCode],
    ]);
    expect(customArmsOf([{ ...b.config, steps: 2 }])).toEqual([]);
  });
});

describe('teaching comparison', () => {
  it('its arms are valid configs at the v5 size, differing only in what defines each arm', () => {
    const arms = comparisonArms(3);
    for (const a of arms) {
      expect(validateRL(a.config)).toEqual({});
      expect(a.config.seed).toBe(3);
      expect(a.config.batchPrompts).toBe(DEFAULT_RL.batchPrompts);
    }
    expect(arms.map((a) => a.id)).toEqual([
      'grpo',
      'mirl',
      'perception-r1',
      'racro',
      'pearl',
      'vppo',
      'vision-sr1',
      'vicrit',
      'grpo-v1g',
      'visual-rft',
      'mirg-rl',
    ]);
    expect(arms.filter((a) => a.core).map((a) => a.id)).toEqual(['grpo', 'mirl', 'perception-r1']);
    // an algorithm arm is named by its algorithm; a task arm is GRPO-16 with a family added
    for (const a of arms.filter((x) => x.kind === 'algorithm')) expect(a.config.algo).toBe(a.id);
    for (const a of arms.filter((x) => x.kind === 'task')) expect(a.config).toMatchObject({ algo: 'grpo', G: 16 });
    // every arm is judged against a GRPO-16 reference that starts from the same warm start
    const byId = new Map(arms.map((a) => [a.id, a]));
    for (const a of arms) {
      const ref = a.ref === null ? a : byId.get(a.ref)!;
      expect(ref.config).toMatchObject({ algo: 'grpo', G: 16, families: [...DEFAULT_FAMILIES] });
      expect(ref.ref).toBeNull();
      expect(warmStartFor(ref.config.families, ref.config.warmStart)).toBe(
        warmStartFor(a.config.families, a.config.warmStart),
      );
    }
    expect(warmStartFor(byId.get('visual-rft')!.config.families)).toBe('tinyvlm-v1g');
  });

  it('its arms are the arms of the committed experiments, so the measured runs load into them', () => {
    // each script's arms: 'ALGO {JSON} [NAME]' lines, and the fields every run of the script shares
    const scriptArms = (text: string) =>
      [...text.matchAll(/^\s*["']([a-z0-9-]+) (\{.*?\})(?: [\w-]+)?["']/gm)].map((m) => ({
        ...DEFAULT_RL,
        seed: 1,
        algo: m[1],
        ...JSON.parse(m[2].replace(/\$mix/g, DEFAULT_FAMILIES.map((f) => `"${f}"`).join(',')).replace(/\\"/g, '"')),
      }));
    // experiments.sh runs the arms experiment-arms.ts prints
    const main = experimentArms()
      .map((l) => `'${l}'`)
      .join('\n');
    const committed = [...scriptArms(main), ...scriptArms(readFileSync('scripts/experiments-grounding.sh', 'utf8'))];
    expect(committed.length).toBeGreaterThanOrEqual(12);
    for (const a of comparisonArms(1)) expect(committed, a.id).toContainEqual(a.config);
  });

  it('pairs arms by seed where both ran two or more, and compares them unpaired otherwise', () => {
    const run = (seed: number, d: number) => ({
      seed,
      metrics: [step(0, 1, { heldout_start: figs(0.5, 0.01) }), step(59, 1, { heldout: figs(0.5 + d, 0.01) })],
    });
    // seeds move both arms alike: unpaired the spread hides a steady +0.01, paired it shows
    const ref = [run(1, -0.05), run(2, 0), run(3, 0.05)];
    const arm = [run(1, -0.04), run(2, 0.011), run(3, 0.059)];
    const p = armDifference(arm, ref, 'desc_f1')!;
    expect(p.pairedSeeds).toBe(3);
    expect(p.mean).toBeCloseTo(0.01, 12);
    expect(p.called).toBe(true);
    const u = compare(
      armChange(
        arm.map((r) => r.metrics),
        'desc_f1',
      )!,
      armChange(
        ref.map((r) => r.metrics),
        'desc_f1',
      )!,
    );
    expect(u.called).toBe(false);
    // paired by seed, not by position
    expect(armDifference([...arm].reverse(), ref, 'desc_f1')!.mean).toBeCloseTo(0.01, 12);
    // two shared seeds are too few to pair: unpaired, the arms' own errors
    expect(armDifference(arm.slice(0, 2), ref, 'desc_f1')!.pairedSeeds).toBe(0);
    const one = armDifference([run(1, 0.05)], [run(1, 0), run(2, 0)], 'desc_f1')!;
    expect(one.pairedSeeds).toBe(0);
    expect(one.mean).toBeCloseTo(0.05, 12);
    expect(armDifference([run(1, 0.05)], [], 'desc_f1')).toBeNull();
    // a seed whose two changes are at different held-out steps is no pair
    const early = {
      seed: 3,
      metrics: [step(0, 1, { heldout_start: figs(0.5, 0.01) }), step(19, 1, { heldout: figs(0.6, 0.01) })],
    };
    expect(armDifference([...arm.slice(0, 2), early], ref, 'desc_f1')!.pairedSeeds).toBe(0);
  });

  it('keeps, per seed, the run whose held-out evaluations went furthest: a run under way does not replace a finished one', () => {
    const at = (seed: number, last: number, id: string) => ({
      id,
      seed,
      metrics: [step(0, 1, { heldout_start: figs(0.5, 0.01) }), step(last - 1, 1, { heldout: figs(0.55, 0.01) })],
    });
    const started = (seed: number, id: string) => ({ id, seed, metrics: [step(0, 1)] });
    const measured = [at(1, 60, 'm1'), at(2, 60, 'm2')];
    // a seed-1 re-run: just started, then at its first evaluation, then finished
    expect(runPerSeed([...measured, started(1, 'r')]).map((r) => r.id)).toEqual(['m1', 'm2']);
    expect(runPerSeed([...measured, at(1, 20, 'r')]).map((r) => r.id)).toEqual(['m1', 'm2']);
    expect(runPerSeed([...measured, at(1, 60, 'r')]).map((r) => r.id)).toEqual(['r', 'm2']);
    // with nothing evaluated yet, the latest run of the seed
    expect(runPerSeed([started(4, 'a'), started(4, 'b')]).map((r) => r.id)).toEqual(['b']);
  });

  it("a run's change is its last held-out figure minus the warm start's, SE of both", () => {
    const ms = [
      step(0, 1, { heldout_start: figs(0.5, 0.03) }),
      step(19, 1, { heldout: figs(0.55, 0.04) }),
      step(39, 1, { heldout: figs(0.6, 0.04) }),
      step(40, 1),
    ];
    const c = heldoutChange(ms, 'desc_f1')!;
    expect(c.mean).toBeCloseTo(0.1, 12);
    expect(c.se).toBeCloseTo(0.05, 12);
    expect(c.step).toBe(40);
    expect(heldoutChange([step(0, 1)], 'desc_f1')).toBeNull();
  });

  it("an arm's start is its warm start's held-out figure, the mean over the runs that evaluated it", () => {
    const run = (f1: number) => [
      step(0, 1, { heldout_start: figs(f1, 0.01) }),
      step(59, 1, { heldout: figs(0.9, 0.01) }),
    ];
    expect(armStart([run(0.5), run(0.52)], 'desc_f1')).toBeCloseTo(0.51, 12);
    expect(armStart([run(0.5)], 'desc_exact')).toBeCloseTo(0.25, 12);
    // a run whose first step has not reported yet adds nothing; no run, no start
    expect(armStart([run(0.5), [step(0, 1)]], 'desc_f1')).toBeCloseTo(0.5, 12);
    expect(armStart([[step(0, 1)]], 'desc_f1')).toBeNull();
    expect(armStart([], 'desc_f1')).toBeNull();
  });

  it('over seeds, the SE is that of the runs, not of the problems', () => {
    const run = (d: number) => [
      step(0, 1, { heldout_start: figs(0.5, 0.01) }),
      step(59, 1, { heldout: figs(0.5 + d, 0.01) }),
    ];
    const a = armChange([run(0.01), run(0.03), run(0.05)], 'desc_f1')!;
    expect(a.mean).toBeCloseTo(0.03, 12);
    expect(a.se).toBeCloseTo(0.02 / Math.sqrt(3), 12);
    expect(a.over).toBe('seeds');
  });

  it('calls a difference only beyond 2 SE', () => {
    expect(compare({ mean: 0.05, se: 0.01 }, { mean: 0, se: 0.01 }).called).toBe(true);
    expect(compare({ mean: 0.02, se: 0.01 }, { mean: 0, se: 0.01 }).called).toBe(false);
    expect(compare({ mean: 0, se: 0.01 }, { mean: 0.05, se: 0.01 }).mean).toBeCloseTo(-0.05, 12);
  });

  it('time left: plain steps at their mean, and each evaluation still to come at what one added', () => {
    const cfg = { steps: 60, heldoutEvery: 20, heldoutCount: 256 };
    // step 0 holds the warm start's evaluation (+50), step 19 the first (+50); plain steps take 10
    const ms = [
      step(0, 60, { heldout_start: figs(0.5, 0.01) }),
      ...Array.from({ length: 18 }, (_, i) => step(i + 1, 10)),
      step(19, 60, { heldout: figs(0.5, 0.01) }),
    ];
    const r = remainingMs(ms, cfg)!;
    expect(r.perStepMs).toBeCloseTo(10, 12);
    expect(r.ms).toBeCloseTo(40 * 10 + 2 * 50, 9);
    expect(remainingMs([], cfg)).toBeNull();
    expect(remainingMs(ms, { ...cfg, heldoutEvery: 0 })!.ms).toBeCloseTo(400, 9);
  });
});

/** A run whose held-out F1 went from 0.5 to 0.5 + change by its last step (SE 0.01 each). */
const seededRun = (seed: number, change: number, at = 2): SeededRun => ({
  seed,
  metrics: Array.from({ length: at }, (_, i) =>
    step(i, 100, {
      ...(i === 0 ? { heldout_start: figs(0.5, 0.01) } : {}),
      ...(i === at - 1 ? { heldout: figs(0.5 + change, 0.01) } : {}),
    }),
  ),
});

describe('pairedRows', () => {
  const arms = comparisonArms().filter((a) => a.core);
  const rows = (runs: Record<string, SeededRun[]>) => pairedRows(arms, (id) => runs[id] ?? []);

  it('pairs seed by seed, and calls a difference only over three or more seeds beyond 2 SE', () => {
    const two = rows({
      grpo: [seededRun(1, 0.01), seededRun(2, 0.02)],
      mirl: [seededRun(2, 0.07), seededRun(1, 0.05)],
    });
    const mirl = two.find((r) => r.arm.id === 'mirl')!.row!;
    expect(mirl.pairs.map((p) => [p.seed, +p.diff.toFixed(3)])).toEqual([
      [1, 0.04],
      [2, 0.05],
    ]);
    expect(mirl.mean).toBeCloseTo(0.045);
    expect(mirl.se).toBeCloseTo(0.005);
    // beyond 2 SE, but two seeds do not make a call
    expect(mirl.called).toBe(false);
    const three = rows({
      grpo: [seededRun(1, 0.01), seededRun(2, 0.02), seededRun(3, 0)],
      mirl: [seededRun(1, 0.05), seededRun(2, 0.07), seededRun(3, 0.045)],
    });
    expect(three.find((r) => r.arm.id === 'mirl')!.row!.called).toBe(true);
    // Perception-R1 has no runs: listed, with no pair; GRPO, the reference, has no row
    expect(three.map((r) => [r.arm.id, r.row === null])).toEqual([
      ['mirl', false],
      ['perception-r1', true],
    ]);
  });

  it('a seed whose reference has not reached the same held-out step is not a pair', () => {
    const r = rows({
      grpo: [seededRun(1, 0.01, 4), seededRun(2, 0.01)],
      mirl: [seededRun(1, 0.05), seededRun(2, 0.03)],
    });
    const mirl = r.find((x) => x.arm.id === 'mirl')!.row!;
    expect(mirl.pairs.map((p) => p.seed)).toEqual([2]);
    expect(mirl.se).toBeNull();
  });
});

describe('comparisonEtaMs', () => {
  it('spreads the time left over the runs at once; a run not begun takes what a run of its arm takes in all', () => {
    const cfg = { steps: 4, heldoutEvery: 0, heldoutCount: 0 };
    const ms = (n: number, each: number) => Array.from({ length: n }, (_, i) => step(i, each));
    const eta = comparisonEtaMs(
      [
        { armId: 'grpo', config: cfg, metrics: ms(2, 100), finished: false },
        { armId: 'grpo', config: cfg, metrics: [], finished: false },
        { armId: 'perception-r1', config: cfg, metrics: [], finished: false },
        // its last step held a held-out evaluation: 1 s
        {
          armId: 'mirl',
          config: cfg,
          metrics: [...ms(3, 200), step(3, 1000, { heldout: {} as HeldoutFigures })],
          finished: true,
        },
      ],
      2,
    );
    // 200 ms left of the first; 400 for the second (GRPO's whole run); for Perception-R1, with no run of its own yet,
    // the mean of the arms' whole runs, evaluations included (400 and 1600); over two workers
    expect(eta).toBe((200 + 400 + 1000) / 2);
    expect(comparisonEtaMs([{ armId: 'grpo', config: cfg, metrics: [], finished: false }], 2)).toBeNull();
  });
});
