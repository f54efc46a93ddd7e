import { describe, expect, it } from 'vitest';
import { CounterRng } from '../lib/rng';
import { FAMILIES } from '../tasks/families';
import type { SceneKnobs } from '../tasks/scene';
import { CPU_PRESET, DEFAULT_RL, FIELDS, FIELD_LABELS, type FieldName, type RLConfig } from './config';
import { V2_DEFAULTS, V3_DEFAULTS, V4_DEFAULTS } from './configVersions';
import { configErrorMessages, tooSmallToLearn, validateRL } from './configValidation';

const NAMES = Object.keys(FIELDS) as FieldName[];

describe('the config field table', () => {
  it('gives valid defaults, and valid defaults for every older schema', () => {
    for (const c of [DEFAULT_RL, V4_DEFAULTS, V3_DEFAULTS, V2_DEFAULTS]) expect(validateRL(c)).toEqual({});
  });

  // v2 links must keep their meaning whatever the table's defaults become: its values, frozen.
  it('keeps the v2 defaults as they were', () => {
    expect(V2_DEFAULTS).toMatchObject({
      algo: 'mirl',
      N: 10,
      k: 6,
      G: 16,
      estimator: 'null',
      contrastiveK: 3,
      miScorer: 'policy',
      percCredit: 'sequence',
      miAgg: 'mean',
      miClip: 0,
      percGate: 'off',
      percGateFloor: -10,
      percNorm: 'raw',
      percThreshold: 0,
      formatReward: 0.1,
      lr: 1e-4,
      clipLow: 0.2,
      clipHigh: 0.28,
      beta: 0,
      advNormalize: 'std',
      wPerc: 1,
      wAns: 1,
      lossAgg: 'token',
      batchPrompts: 4,
      promptPool: 0,
      ppoEpochs: 1,
      miniBatches: 1,
      warmupSteps: 0,
      lrSchedule: 'constant',
      adamBeta2: 0.99,
      dropFlatGroups: false,
      temperature: 1,
      topP: 1,
      maxDescTokens: 36,
      maxAnswerTokens: 24,
      seed: 1,
      steps: 100,
      heldoutEvery: 10,
      heldoutCount: 64,
      heldoutSamples: 0,
      heldoutSeed: 4242,
      recordPrompts: 2,
      metricEvery: 1,
    });
    expect(Object.keys(V2_DEFAULTS)).toEqual(NAMES);
  });

  it('labels every field, and the panel fields have a help text', () => {
    for (const k of NAMES) {
      expect(FIELD_LABELS[k]).toBe(FIELDS[k].label);
      expect(FIELDS[k].help.length).toBeGreaterThan(10);
    }
  });

  it('puts every scalar setting in the panel (the reward code, families and difficulty have their own)', () => {
    expect(NAMES.filter((k) => FIELDS[k].panel === undefined)).toEqual(['rewardCode', 'families', 'knobs']);
  });

  it('gives a CPU preset that is valid and smaller than the defaults', () => {
    const c = { ...DEFAULT_RL, ...CPU_PRESET };
    expect(validateRL(c)).toEqual({});
    expect(c.batchPrompts).toBe(1);
    expect(c.steps).toBeLessThan(DEFAULT_RL.steps);
  });

  it('refuses each field outside its kind or range, naming the field as the form does', () => {
    const bad: Record<string, unknown> = {
      int: 1.5,
      num: Number.NaN,
      enum: 'nope',
      bool: 'yes',
      families: [],
      knobs: null,
      code: 42,
    };
    for (const k of NAMES) {
      const errs = validateRL({ ...DEFAULT_RL, [k]: bad[FIELDS[k].kind] } as RLConfig);
      expect(Object.keys(errs), k).toContain(k);
      const msg = configErrorMessages({ [k]: errs[k] })[0];
      expect(msg.startsWith(k === 'knobs' ? 'difficulty:' : `${FIELDS[k].label} must be`), msg).toBe(true);
    }
  });

  it('checks ranges at their ends, and the rules across fields', () => {
    expect(validateRL({ ...DEFAULT_RL, N: 32, k: 32 })).toEqual({});
    expect(validateRL({ ...DEFAULT_RL, N: 33 }).N).toBe('an integer in [2, 32]');
    expect(validateRL({ ...DEFAULT_RL, k: 11 }).k).toBe('at most N (10)');
    expect(validateRL({ ...DEFAULT_RL, lr: 0 }).lr).toMatch(/above 0/);
    expect(validateRL({ ...DEFAULT_RL, batchPrompts: 4, miniBatches: 5 }).miniBatches).toBe(
      'at most the prompts per step (4)',
    );
    expect(
      validateRL({ ...DEFAULT_RL, batchPrompts: 4, estimator: 'contrastive', contrastiveK: 4 }).contrastiveK,
    ).toMatch(/below the prompts per step/);
    expect(validateRL({ ...DEFAULT_RL, adamBeta2: 0.99999 })).toEqual({});
  });

  it('never throws on random values, and names each value of the wrong type, and no field that was not changed or in a rule with one that was (fuzz)', () => {
    const r = new CounterRng(5, 0, 0, 0);
    const pool: unknown[] = [
      0,
      -1,
      1,
      2,
      0.5,
      1e9,
      Number.NaN,
      Infinity,
      'mirl',
      'sum',
      true,
      false,
      null,
      [],
      ['count'],
      {},
      '1',
    ];
    // the fields a cross-field rule reports on, by the fields it reads
    const RULES_ON: Partial<Record<FieldName, FieldName[]>> = {
      N: ['k'],
      estimator: ['contrastiveK'],
      batchPrompts: ['contrastiveK', 'miniBatches'],
      algo: ['rewardCode'],
    };
    const wrongType = (kind: (typeof FIELDS)[FieldName]['kind'], v: unknown): boolean =>
      kind === 'int' || kind === 'num'
        ? typeof v !== 'number'
        : kind === 'enum'
          ? typeof v !== 'string'
          : kind === 'bool'
            ? typeof v !== 'boolean'
            : kind === 'families'
              ? !Array.isArray(v)
              : kind === 'code'
                ? typeof v !== 'string'
                : typeof v !== 'object' || v === null || Array.isArray(v);
    for (let i = 0; i < 3000; i++) {
      const c = { ...DEFAULT_RL } as Record<string, unknown>;
      const changed = new Set<FieldName>();
      for (let j = 0; j < 3; j++) {
        const k = NAMES[r.int(NAMES.length)];
        c[k] = pool[r.int(pool.length)];
        changed.add(k);
      }
      const errs = validateRL(c as unknown as RLConfig);
      const may = new Set([...changed].flatMap((k) => [k, ...(RULES_ON[k] ?? [])]));
      expect(Object.keys(errs).filter((k) => !may.has(k as FieldName))).toEqual([]);
      for (const k of changed) if (wrongType(FIELDS[k].kind, c[k])) expect(Object.keys(errs), k).toContain(k);
    }
  });

  it('a valid config has no message: random valid values for every field, the ends of each range included', () => {
    const r = new CounterRng(6, 0, 0, 0);
    const pick = <T>(xs: readonly T[]): T => xs[r.int(xs.length)];
    for (let i = 0; i < 3000; i++) {
      const c = { ...DEFAULT_RL } as Record<string, unknown>;
      for (const k of NAMES) {
        const f = FIELDS[k];
        if (f.kind === 'int' || f.kind === 'num') {
          const u = r.next();
          const inside = f.kind === 'int' ? f.min + r.int(f.max - f.min + 1) : f.min + r.next() * (f.max - f.min);
          c[k] = u < 0.25 ? f.min : u < 0.5 ? f.max : inside;
        } else if (f.kind === 'enum') c[k] = pick(f.options);
        else if (f.kind === 'bool') c[k] = r.next() < 0.5;
        else if (f.kind === 'families') {
          const some = FAMILIES.filter(() => r.next() < 0.5);
          c[k] = some.length ? some : [pick(FAMILIES)];
        } else if (f.kind === 'code') c[k] = pick(['', 'function reward(input) { return 0 }', 'x'.repeat(f.maxLength)]);
        else if (f.kind === 'knobs') {
          // the scene's knobs too: min objects up to max (equal included), each rate at 0, at 1 or between
          const unit = () => pick([0, 1, r.next()]);
          const lo = 1 + r.int(9);
          c[k] = {
            minObjects: lo,
            maxObjects: lo + r.int(10 - lo),
            distractors: unit(),
            jitter: unit(),
            occlusion: unit(),
            noise: 0.3 * unit(),
          } satisfies SceneKnobs;
        }
      }
      // then the rules across fields, met at their edges (k = N, K = prompts - 1, updates = prompts)
      const v = c as unknown as RLConfig;
      if (v.lr === 0) v.lr = FIELDS.lr.max;
      v.k = Math.min(v.k, v.N);
      if (v.estimator === 'contrastive' && v.contrastiveK >= v.batchPrompts) v.batchPrompts = v.contrastiveK + 1;
      v.miniBatches = Math.min(v.miniBatches, v.batchPrompts);
      if (v.algo === 'custom' && v.rewardCode === '') v.rewardCode = 'function reward(input) { return 1 }';
      expect(validateRL(v), JSON.stringify(v)).toEqual({});
      expect(configErrorMessages(validateRL(v))).toEqual([]);
    }
  });
});

describe('the size at which RL shows', () => {
  it('says when a config is too small to show learning, and why', () => {
    expect(tooSmallToLearn(DEFAULT_RL)).toBeNull();
    const cpu = tooSmallToLearn({ ...DEFAULT_RL, ...CPU_PRESET });
    expect(cpu).toMatch(/1 prompt per step/);
    expect(cpu).toMatch(/5 steps/);
    expect(cpu).toMatch(/no held-out evaluation/);
    expect(tooSmallToLearn(V4_DEFAULTS)).toMatch(/4 prompts per step/);
  });
});
