// Adding an algorithm is its rollout file, its row and its rollout's line in rollouts.ts: this test adds a toy one
// (its file toyFixture.ts, its row below, the two mocks standing for the row's and the line's edits) and shows
// that the config, the panel's rules, the run labels, the trainer, the recipes, the comparison and the report all
// take it from there, with no other edit.

import { describe, expect, it, vi } from 'vitest';

const TOY_ROW = vi.hoisted(
  () =>
    ({
      label: 'Toy',
      group: 'trajectories',
      perception: 'none',
      percHelp: 'the toy has no perception reward: its descriptions train on nothing',
      passesInUpdate: true,
      arm: { config: { G: 4 } },
      colour: '#123456',
    }) as const,
);
vi.mock('./rows', async (importOriginal) => {
  const real = await importOriginal<typeof import('./rows')>();
  return { ...real, ALGORITHM_TABLE: { ...real.ALGORITHM_TABLE, toy: TOY_ROW } };
});
vi.mock('./rollouts', async (importOriginal) => {
  const real = await importOriginal<typeof import('./rollouts')>();
  const { toyRollout } = await import('./toyFixture');
  return { ROLLOUTS: { ...real.ROLLOUTS, toy: toyRollout } };
});

import { armOf } from '../../../scripts/report/summary';
import { comparisonArms } from '../comparison';
import { DEFAULT_RL, FIELDS, type RLConfig } from '../config';
import { configProblems } from '../configValidation';
import { recipeSettings } from '../recipe/recipe';
import { rowStep, smallConfig } from './rowStepFixture';
import { algorithmsWhere, groupLabel } from './table';

const toy = { ...DEFAULT_RL, algo: 'toy', G: 4 } as unknown as RLConfig;

describe('a toy algorithm, its file and its row', () => {
  it("is one of the config's algorithms, and the panel shows G for it", () => {
    expect(FIELDS.algo.options).toContain('toy');
    expect(configProblems(toy)).toBeNull();
    expect(FIELDS.G.panel?.when?.in).toContain('toy');
    expect(FIELDS.N.panel?.when?.in).not.toContain('toy');
    expect(algorithmsWhere('perception', 'none')).toContain('toy');
  });

  it('labels its runs, names its report arm, and joins the comparison against the reference', () => {
    expect(groupLabel(toy)).toBe('G4');
    expect(armOf(toy)).toBe('toy G=4');
    const arm = comparisonArms().find((a) => a.id === 'toy');
    expect(arm).toMatchObject({ name: 'Toy', kind: 'algorithm', ref: 'grpo', core: false });
    expect(arm?.config).toMatchObject({ algo: 'toy', G: 4 });
  });

  it('its recipe names the passes inside its update as a gap', () => {
    expect(recipeSettings(toy, 'verl').gaps.some((g) => g.includes('forward passes inside the update'))).toBe(true);
  });

  it('the trainer runs its rollout: one CPU step trains', async () => {
    const { metrics, changed } = await rowStep(smallConfig('toy'));
    expect(metrics.error).toBeUndefined();
    expect(Number.isFinite(metrics.loss)).toBe(true);
    expect(changed).toBeGreaterThan(0);
  });
});
