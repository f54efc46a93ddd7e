// The algorithm table drives the config panel, the run labels and the reports: each of
// those reads the row, so the rows must say what the algorithms do.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RL, FIELDS, type RLConfig } from '../config';
import { configProblems } from '../configValidation';
import { armOf } from '../../../scripts/report/summary';
import { ROLLOUTS } from './rollouts';
import {
  ALGORITHM_NAMES,
  ALGORITHM_TABLE,
  algorithmOf,
  algorithmsWhere,
  algorithmsWithSetting,
  groupLabel,
} from './table';

describe('the algorithm table', () => {
  it("is the config's list of algorithms, and decides which group fields the panel shows", () => {
    expect(FIELDS.algo.options).toEqual(ALGORITHM_NAMES);
    expect(FIELDS.N.panel?.when).toEqual({ field: 'algo', in: ['mirl'] });
    expect(FIELDS.k.panel?.when).toEqual({ field: 'algo', in: ['mirl'] });
    expect(FIELDS.G.panel?.when).toEqual({
      field: 'algo',
      in: ['grpo', 'perception-r1', 'racro', 'pearl', 'vppo', 'vision-sr1', 'custom'],
    });
    expect(FIELDS.rewardMI.panel?.when).toEqual({ field: 'algo', in: ['custom'] });
    expect(FIELDS.percLabel.panel?.when).toEqual({ field: 'algo', in: ['perception-r1'] });
    expect(algorithmsWhere('perception', 'none')).toEqual(['grpo', 'vppo']);
    expect(algorithmsWhere('perception', 'reasoner')).toEqual(['racro']);
    expect(algorithmsWhere('perception', 'probe')).toEqual(['pearl']);
    // an algorithm's own settings show for it alone, as its row says
    expect(FIELDS.vppoTopFrac.panel?.when).toEqual({ field: 'algo', in: ['vppo'] });
    expect(FIELDS.vppoFloor.panel?.when).toEqual({ field: 'algo', in: ['vppo'] });
    expect(FIELDS.pearlProbeWeight.panel?.when).toEqual({ field: 'algo', in: ['pearl'] });
    expect(algorithmsWithSetting('lr')).toEqual([]);
    // and each setting a row owns is a setting of the config
    for (const a of ALGORITHM_NAMES)
      for (const f of algorithmOf({ algo: a }).settings ?? []) expect(FIELDS, a).toHaveProperty(f);
    // so is each setting of a row's comparison arm, and the arm's config is valid; one reference
    for (const a of ALGORITHM_NAMES) {
      const arm = algorithmOf({ algo: a }).arm;
      for (const f of Object.keys(arm?.config ?? {})) expect(FIELDS, a).toHaveProperty(f);
      if (arm) expect(configProblems({ ...DEFAULT_RL, algo: a, ...arm.config } as RLConfig), a).toBeNull();
    }
    expect(ALGORITHM_NAMES.filter((a) => algorithmOf({ algo: a }).arm?.reference)).toEqual(['grpo']);
    // the teaching view's lesson: one method, one bound, both core
    const lesson = (part: string) => ALGORITHM_NAMES.filter((a) => algorithmOf({ algo: a }).arm?.lesson === part);
    expect([lesson('method'), lesson('bound')]).toEqual([['mirl'], ['perception-r1']]);
  });

  it('gives every algorithm a label, a group, a perception reward, its R_perc help, a colour and a rollout', () => {
    for (const a of ALGORITHM_NAMES) {
      const r = ALGORITHM_TABLE[a];
      expect(r.label.length, a).toBeGreaterThan(0);
      expect(['forks', 'trajectories'], a).toContain(r.group);
      expect(['none', 'mi', 're-answer', 'reasoner', 'probe', 'labelled', 'custom'], a).toContain(r.perception);
      expect(r.percHelp.length, a).toBeGreaterThan(20);
      expect(r.colour, a).toMatch(/^#[0-9a-f]{6}$/);
      expect(typeof ROLLOUTS[a], a).toBe('function');
    }
  });

  it('names runs and experiment arms by their row, as before the table', () => {
    expect(groupLabel({ ...DEFAULT_RL, algo: 'mirl', N: 10, k: 6 })).toBe('N10 k6');
    expect(groupLabel({ ...DEFAULT_RL, algo: 'grpo', G: 16 })).toBe('G16');
    expect(armOf({ ...DEFAULT_RL, algo: 'grpo', G: 16 })).toBe('grpo G=16');
    expect(armOf({ ...DEFAULT_RL, algo: 'perception-r1', G: 6, percCredit: 'object' })).toBe(
      'perception-r1 G=6, object credit',
    );
    expect(armOf({ ...DEFAULT_RL, algo: 'mirl', N: 10, k: 6, miScorer: 'warmstart' })).toBe(
      'mirl N=10 k=6, MI by frozen warm start',
    );
    expect(armOf({ ...DEFAULT_RL, algo: 'vision-sr1', G: 8, beta: 0.1 })).toBe('vision-sr1 G=8, KL 0.1');
    expect(armOf({ ...DEFAULT_RL, algo: 'grpo', G: 16, families: [...DEFAULT_RL.families, 'vicrit'] })).toBe(
      'grpo G=16 + vicrit',
    );
    expect(armOf({ ...DEFAULT_RL, algo: 'grpo', G: 16, families: ['count', 'vicrit'] })).toMatch(
      /^grpo G=16 \+ vicrit - attribute - spatial/,
    );
    // a file from elsewhere names an algorithm the table does not know: the report names it plainly; a config says so
    const foreign = { ...DEFAULT_RL, algo: 'dapo' } as unknown as typeof DEFAULT_RL;
    expect(armOf(foreign)).toBe('dapo G=16');
    expect(() => algorithmOf(foreign)).toThrow(
      'unknown algorithm "dapo": one of mirl, grpo, perception-r1, racro, pearl, vppo, vision-sr1',
    );
    expect(() => algorithmOf({ algo: 'valueOf' } as unknown as typeof DEFAULT_RL)).toThrow(/unknown algorithm/);
  });
});
