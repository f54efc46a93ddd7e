// The comparison's plan: which runs a choice makes (its verdict and time left: rl/comparison.test.ts).
import { describe, expect, it } from 'vitest';
import { comparisonArms, customArm, pairedRows, type SeededRun } from '../rl/comparison';
import { DEFAULT_RL } from '../rl/config';
import type { StepMetrics } from '../rl/types';
import { formOfPlan, planJobs, QUICK } from './comparisonPlan';

const ARMS = comparisonArms();

/** A run whose held-out F1 went from 0.5 to 0.5 + change by its last step (SE 0.01 each). */
const run = (seed: number, change: number, at = 2): SeededRun => {
  const fig = (f1: number) => ({ sampled: { desc_f1: f1, se: { desc_f1: 0.01 } } });
  const metrics = Array.from({ length: at }, (_, step) => ({
    step,
    step_ms: 100,
    ...(step === 0 ? { heldout_start: fig(0.5) } : {}),
    ...(step === at - 1 ? { heldout: fig(0.5 + change) } : {}),
  })) as unknown as StepMetrics[];
  return { seed, metrics };
};

describe('formOfPlan', () => {
  it('gives back the choices that made a plan, so a reload shows them; no plan, no form', () => {
    const code = 'function reward(input) {\n  return input.builtins.f1;\n}\n';
    const yours = customArm({ ...DEFAULT_RL, algo: 'custom', rewardCode: code })!;
    const quick = planJobs([...ARMS, yours], ['mirl', 'custom'], 2, 'quick');
    expect(formOfPlan(quick)).toEqual({ chosen: ['grpo', 'mirl', 'custom'], seeds: 2, size: 'quick' });
    expect(planJobs([...ARMS, yours], formOfPlan(quick)!.chosen, 2, 'quick')).toEqual(quick);
    const full = planJobs(ARMS, ['perception-r1'], 3, 'teaching');
    expect(formOfPlan(full)).toEqual({ chosen: ['grpo', 'perception-r1'], seeds: 3, size: 'teaching' });
    expect(formOfPlan([])).toBeNull();
  });
});

describe('planJobs', () => {
  it('seed by seed, the chosen arms with their references, at the quick size when asked', () => {
    const jobs = planJobs(ARMS, ['mirl', 'visual-rft'], 2, 'quick');
    // GRPO comes with MIRL, GRPO from the grounding warm start with Visual-RFT; in the arms' order
    expect(jobs.map((j) => `${j.armId}/${j.seed}`)).toEqual([
      'grpo/1',
      'mirl/1',
      'grpo-v1g/1',
      'visual-rft/1',
      'grpo/2',
      'mirl/2',
      'grpo-v1g/2',
      'visual-rft/2',
    ]);
    expect(jobs.every((j) => j.config.seed === j.seed && j.config.steps === QUICK.steps)).toBe(true);
    expect(jobs[1].config).toMatchObject({ algo: 'mirl', N: 10, k: 6 });
    const full = planJobs(ARMS, ['grpo'], 1, 'teaching');
    expect(full[0].config).toEqual(ARMS[0].config);
  });

  it("your reward is an arm: it brings GRPO-16 and runs on the same seeds, its code in every run's config", () => {
    const code = 'function reward(input) {\n  return input.builtins.f1;\n}\n';
    const yours = customArm({ ...DEFAULT_RL, algo: 'custom', rewardCode: code })!;
    const jobs = planJobs([...ARMS, yours], ['custom'], 2, 'quick');
    expect(jobs.map((j) => `${j.armId}/${j.seed}`)).toEqual(['grpo/1', 'custom/1', 'grpo/2', 'custom/2']);
    expect(jobs[3].config).toMatchObject({ algo: 'custom', rewardCode: code, seed: 2, steps: QUICK.steps });
    // paired with GRPO like any arm
    const rows = pairedRows([ARMS[0], yours], (id) =>
      id === 'custom' ? [run(1, 0.1), run(2, 0.2)] : [run(1, 0), run(2, 0)],
    );
    expect(rows.map((r) => [r.arm.id, r.row?.pairs.map((p) => p.diff.toFixed(2))])).toEqual([
      ['custom', ['0.10', '0.20']],
    ]);
  });
});
