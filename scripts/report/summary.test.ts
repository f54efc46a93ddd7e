import { describe, expect, it } from 'vitest';
import { DEFAULT_RL, type RLConfig } from '../../src/rl/config';
import type { StepMetrics } from '../../src/rl/types';
import { curves, markdownTable, summarise, type ExperimentFile } from './summary';

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

function run(c: Partial<RLConfig>, final: number, steps: StepMetrics[]): ExperimentFile {
  return { config: { ...DEFAULT_RL, ...c }, steps, final: { heldout_answer_acc: final, heldout_perception_acc: final / 2 }, error: null, wall_s: 1 };
}

describe('experiment summary', () => {
  const files = [
    run({ algo: 'grpo', G: 16, seed: 1 }, 0.4, [step(0, { reward_blind_frac: 0.2 }), step(1, { reward_blind_frac: 0.4, heldout_answer_acc: 0.4, heldout_perception_acc: 0.2 })]),
    run({ algo: 'mirl', seed: 1 }, 0.5, [step(0, { generated_tokens: 60 }), step(1, { generated_tokens: 80, heldout_answer_acc: 0.5, heldout_perception_acc: 0.25 })]),
    run({ algo: 'grpo', G: 16, seed: 2 }, 0.6, [step(0, { mi_auc: null }), step(1, { heldout_answer_acc: 0.6, heldout_perception_acc: 0.3 })]),
  ];

  it('groups runs by arm and gives mean and sample sd over seeds', () => {
    const rows = summarise(files);
    expect(rows.map((r) => r.arm)).toEqual(['grpo G=16', 'mirl N=10 k=6, MI sum gated']);
    expect(summarise([run({ algo: 'mirl', miScorer: 'warmstart' }, 0.5, [])])[0].arm).toBe('mirl N=10 k=6, MI sum gated, MI by frozen warm start');
    // the reward ablation is its own arm
    expect(summarise([run({ algo: 'mirl', miAgg: 'mean', percGate: 'off' }, 0.5, [])])[0].arm).toBe('mirl N=10 k=6, MI mean');
    const g = rows[0];
    expect(g.seeds).toEqual([1, 2]);
    expect(g.heldoutAnswer.mean).toBeCloseTo(0.5);
    expect(g.heldoutAnswer.sd).toBeCloseTo(Math.SQRT2 * 0.1);
    // Per-run means first (0.3 and 0.1), then across seeds.
    expect(g.rewardBlind.mean).toBeCloseTo(0.2);
    // A step without an AUC is skipped, not counted as zero.
    expect(g.miAuc.mean).toBeCloseTo(0.6);
    expect(rows[1].generatedTokens.mean).toBe(70);
    expect(rows[1].heldoutAnswer.sd).toBe(0);
  });

  it('refuses failed runs and runs of different lengths', () => {
    expect(() => summarise([...files, { ...files[0], error: 'non-finite loss' }])).toThrow(/non-finite loss/);
    expect(() => summarise([...files, run({ algo: 'grpo', G: 6 }, 0.1, [step(0, {})])])).toThrow(/different lengths/);
  });

  it('writes one table row per arm plus the warm start', () => {
    const md = markdownTable(summarise(files), { answer: 0.45, perception: 0.3 });
    const lines = md.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toContain('| 45.0 | – | 30.0 |');
    expect(lines[3]).toMatch(/^\| grpo G=16 \| 2 \| 50\.0 ± 14\.1 \| \+5\.0 ± 10\.0 \|/);
  });

  it('averages curves over seeds and starts them at the warm start', () => {
    const c = curves(files, { answer: 0.45, perception: 0.3 });
    const g = c.find((a) => a.arm === 'grpo G=16')!;
    expect(g.points[0]).toMatchObject({ step: 0, heldoutAnswer: 0.45 });
    expect(g.points[1].heldoutAnswer).toBeUndefined();
    expect(g.points[2].heldoutAnswer).toBeCloseTo(0.5);
    expect(g.points[2].cumTokens).toBe(200);
  });
});
