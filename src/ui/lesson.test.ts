// The lesson at a glance: the forest plot's rows and order, the headline's words, where each arm's update counts
// come from, and which lucky guess is the clearest.
import { describe, expect, it } from 'vitest';
import type { HeldoutFigures } from '../model/evaluate';
import { comparisonArms, type Arm, type SeededRun, armCounts, recordRows } from '../rl/comparison';
import type { PromptRecord, StepMetrics, TrajectoryRecord } from '../rl/types';
import { emptyCounts } from '../rl/updateRates';
import { clearestLucky, forestRows, headline, type ForestRow } from './lesson';

const figs = (f1: number): HeldoutFigures => ({
  count: 256,
  sampled: {
    k: 4,
    temperature: 1,
    top_p: 1,
    desc_exact: 0.2,
    desc_f1: f1,
    answer_acc: 0.4,
    lucky: 0.3,
    se: { desc_exact: 0.01, desc_f1: 0.01, answer_acc: 0.01, lucky: 0.01 },
  },
  greedy: { desc_exact: 0.3, desc_f1: 0.6, answer_acc: 0.5 },
  gt_desc_nll: 0.16,
});
const seeded = (seed: number, change: number): SeededRun => ({
  seed,
  metrics: [
    { step: 0, heldout_start: figs(0.5) },
    { step: 59, heldout: figs(0.5 + change) },
  ] as StepMetrics[],
});
const traj = (x: Partial<TrajectoryRecord> & { adv: number }): TrajectoryRecord => ({
  description: ['a', 'b'],
  continuation: ['3'],
  mi: null,
  kept: true,
  rAns: 1,
  rPerc: 0,
  advPerc: 0,
  advAns: x.adv,
  perceptionRight: false,
  answerRight: true,
  descF1: 0,
  tokAdv: [x.adv, x.adv, 0],
  tokLogp: [0, 0, 0],
  tokEntropy: [0, 0, 0],
  tokDep: [0, 0, 0],
  ...x,
});
const rec = (trajectories: TrajectoryRecord[]): PromptRecord => ({
  step: 59,
  index: 0,
  family: 'count',
  question: 'q',
  answer: '3',
  groundTruthDescription: 'a b',
  taskSeed: 1,
  taskIndex: 0,
  trajectories,
});

describe('the lesson at a glance', () => {
  const arms = comparisonArms();
  // every arm three seeds; MIRL +0.1 over GRPO on each, VPPO level with it, the rest a little behind
  const change: Record<string, number[]> = { grpo: [0, 0.01, 0.02], mirl: [0.1, 0.11, 0.12], vppo: [0.02, 0, 0.01] };
  const runsOf = (a: Arm) => [1, 2, 3].map((s, i) => seeded(s, change[a.id]?.[i] ?? -0.05 + 0.001 * i));

  it('the forest plot has every arm with a reference, the core arms first, paired by seed', () => {
    const rows = forestRows(arms, runsOf);
    // the arms in their own order (pinned in rl/comparison.test.ts, the core ones first), less the two references
    expect(rows.map((r) => r.id)).toEqual(arms.map((a) => a.id).filter((id) => !['grpo', 'grpo-v1g'].includes(id)));
    const mirl = rows[0];
    expect(mirl.mean).toBeCloseTo(0.1, 12);
    expect(mirl.pairedSeeds).toBe(3);
    expect(mirl.called).toBe(true);
    expect(mirl.refName).toBe('GRPO');
    expect(rows.find((r) => r.id === 'visual-rft')!.refName).toBe('GRPO from the grounding warm start');
    expect(rows.find((r) => r.id === 'vppo')!.called).toBe(false);
    // an arm without runs has no row
    expect(forestRows(arms, (a) => (a.id === 'mirl' ? [] : runsOf(a))).map((r) => r.id)).not.toContain('mirl');
  });

  it('the headline says the core arms in words, calling only beyond 2 SE, and counts the others', () => {
    const h = headline(forestRows(arms, runsOf))!;
    expect(h).toMatch(/^MIRL lifts held-out description F1 above GRPO's by \+0\.100 ± 0\.000/);
    // Perception-R1 moved the other way: its own verb
    expect(h).toContain(", and Perception-R1 lowers held-out description F1 below GRPO's by −0.");
    expect(h).toContain('paired by seed over 3 seeds');
    // of the seven others, VPPO is level with GRPO and the task arms with theirs (the same changes): 4 behind
    expect(h).toMatch(/; of the 7 other arms, 0 are ahead of their reference beyond 2 SE and 4 behind\.$/);
    // two core arms ahead alike share the verb; no other arm moved: said so
    const up = (id: string, name: string, mean: number): ForestRow => ({
      id,
      name,
      refId: 'grpo',
      refName: 'GRPO',
      core: true,
      mean,
      se: 0.01,
      called: true,
      pairedSeeds: 3,
    });
    const flat = { ...up('vppo', 'VPPO', 0.001), core: false, called: false };
    expect(headline([up('mirl', 'MIRL', 0.1), up('perception-r1', 'Perception-R1', 0.11), flat])).toBe(
      "MIRL lifts held-out description F1 above GRPO's by +0.100 ± 0.010, and Perception-R1 by +0.110 ± 0.010 (paired by seed over 3 seeds); the other arm, VPPO, does not move beyond 2 SE against its reference.",
    );
    const level: ForestRow = {
      id: 'mirl',
      name: 'MIRL',
      refId: 'grpo',
      refName: 'GRPO',
      core: true,
      mean: 0.01,
      se: 0.02,
      called: false,
      pairedSeeds: 0,
    };
    expect(headline([level])).toBe('MIRL does not separate from GRPO (+0.010 ± 0.020, within 2 SE) (unpaired).');
    expect(headline([])).toBeNull();
  });

  it("an arm's counts: every step's where the runs counted them, else the recorded prompts'", () => {
    const counted = {
      metrics: [
        { update_counts: { ...emptyCounts(), pairs: 4, pair_wins: 3 } },
        { update_counts: { ...emptyCounts(), pairs: 2, pair_wins: 0.5 } },
      ] as StepMetrics[],
      records: [rec([traj({ adv: 1, perceptionRight: true, descF1: 1 }), traj({ adv: -1 })])],
    };
    // right +1 over a wrong lucky guess at -1: one pair won, one lucky guess not pushed up
    const recorded = {
      metrics: [{}] as StepMetrics[],
      records: [rec([traj({ adv: 1, perceptionRight: true, descF1: 1 }), traj({ adv: -1 })])],
    };
    expect(armCounts([counted])).toEqual({
      counts: { ...emptyCounts(), pairs: 6, pair_wins: 3.5 },
      steps: 2,
      recordedPrompts: 0,
    });
    expect(armCounts([recorded])).toEqual({
      counts: { ...emptyCounts(), pairs: 1, pair_wins: 1, lucky: 1 },
      steps: 0,
      recordedPrompts: 1,
    });
    expect(armCounts([counted, recorded]).counts.pairs).toBe(7);
    expect(armCounts([])).toEqual({ counts: emptyCounts(), steps: 0, recordedPrompts: 0 });
  });

  it('recorded rows: one group per prompt record, an empty description untouched', () => {
    const rows = recordRows([rec([traj({ adv: 0.5 })]), rec([traj({ adv: 0.5, description: [] })])]);
    expect(rows.map((r) => [r.group, r.descAdv])).toEqual([
      [0, 0.5],
      [1, 0],
    ]);
  });

  it('the clearest lucky guess: pushed up, far from the scene before a near-miss, then the largest push', () => {
    const r = rec([
      traj({ adv: 2, descF1: 0.8 }), // a near-miss pushed up most
      traj({ adv: 0.3, descF1: 0.2 }),
      traj({ adv: 0.6, descF1: 0 }), // the clearest
      traj({ adv: 3, descF1: 0, answerRight: false }), // not a lucky guess
      traj({ adv: 3, descF1: 1, perceptionRight: true }), // right description
    ]);
    expect(clearestLucky([r])).toMatchObject({ index: 2, adv: 0.6 });
    expect(clearestLucky([rec([traj({ adv: 2, descF1: 0.8 })])])).toMatchObject({ index: 0, adv: 2 });
    expect(clearestLucky([rec([traj({ adv: -0.5 }), traj({ adv: 0 })])])).toBeNull();
    expect(clearestLucky([])).toBeNull();
  });
});
