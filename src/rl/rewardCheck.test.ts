// The reward check's harness proven on rewards whose answers are known, then
// the shipped warm start's perception rewards measured by it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu/cpuBackend';
import { decodeCheckpoint } from '../model/checkpoint';
import { Params } from '../model/params';
import { TinyVLM } from '../model/tinyvlm';
import { CounterRng } from '../lib/rng';
import { CORRUPTIONS, corruptions } from '../tasks/corrupt';
import { generateProblem } from '../tasks/problem';
import { scoreDescription } from '../tasks/verifier';
import { DEFAULT_RL, type RLConfig } from './config';
import { gateScores } from './perception';
import { configuredReward, rewardCheck, type GroupReward } from './rewardCheck';

const byWords =
  (sign: number): GroupReward =>
  async (_p, groups) =>
    groups.map((g) => g.map((d) => sign * d.length));

describe('the reward check harness', () => {
  it('a reward that counts words keeps the truth over a dropped object and loses to a duplicate', async () => {
    const r = await rewardCheck(byWords(1), DEFAULT_RL, 3, 40);
    expect(r.classes.drop_object.pairs).toBeGreaterThan(20);
    expect(r.classes.drop_object.wins).toBe(r.classes.drop_object.pairs);
    expect(r.classes.duplicate_object.wins).toBe(0);
    expect(r.classes.drop_shape.wins).toBe(r.classes.drop_shape.pairs);
    expect(r.classes.change_color.wins).toBe(0); // same length: a tie is not a win
    // one that prefers fewer words is fooled the other way
    const s = await rewardCheck(byWords(-1), DEFAULT_RL, 3, 40);
    expect(s.classes.drop_object.wins).toBe(0);
    expect(s.classes.duplicate_object.wins).toBe(s.classes.duplicate_object.pairs);
  });

  it('an oracle (F1 against the scene) wins every class but order; a constant wins nothing', async () => {
    const oracle: GroupReward = async (problems, groups) =>
      groups.map((g, i) => g.map((d) => scoreDescription(d, problems[i]).f1));
    const r = await rewardCheck(oracle, DEFAULT_RL, 4, 40);
    for (const c of CORRUPTIONS) {
      expect(r.classes[c].pairs, c).toBeGreaterThan(0);
      expect(r.classes[c].wins, c).toBe(c === 'reorder' ? 0 : r.classes[c].pairs);
    }
    expect(r.overall_without_order).toBe(1);
    const flat = await rewardCheck(async (_p, groups) => groups.map((g) => g.map(() => 1)), DEFAULT_RL, 4, 10);
    expect(flat.overall).toBe(0);
  });
});

describe('the well-formedness gate', () => {
  const gate = (raw: number[], wf: boolean[], groups: number[], over: Partial<RLConfig> = {}) =>
    gateScores(raw, wf, groups, { ...DEFAULT_RL, ...over });
  it('puts a malformed description strictly below every well-formed one of its group, whatever its MI', () => {
    const out = gate([1, 13, 2, 5, 0.5, 9], [true, false, true, false, true, true], [3, 3]);
    expect(out[1]).toBeLessThan(Math.min(out[0], out[2]));
    expect(out[3]).toBeLessThan(Math.min(out[4], out[5]));
    expect([out[0], out[2], out[4], out[5]]).toEqual([1, 2, 0.5, 9]); // well-formed rows keep their score
  });
  it('floor and off', () => {
    expect(gate([1, 13], [true, false], [2], { percGate: 'floor', percGateFloor: -7 })).toEqual([1, -7]);
    expect(gate([1, 13], [true, false], [2], { percGate: 'off' })).toEqual([1, 13]);
    // a group with nothing well formed: every row gets the floor (no advantage from MI alone)
    expect(gate([1, 13], [false, false], [2], { percGate: 'lowest', percGateFloor: -3 })).toEqual([-3, -3]);
  });
});

describe('perception rewards on the shipped warm start (CPU backend)', () => {
  const bytes = readFileSync('models/tinyvlm-v1/model.safetensors');
  const ck = decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const be = new CpuBackend();
  const model = new TinyVLM(be, ck.config, new Params(ck.config, be, ck.tensors));
  const check = (over: Partial<RLConfig>) => {
    const cfg = { ...DEFAULT_RL, ...over };
    return rewardCheck(configuredReward(model, cfg), cfg, 9001, 24, { batch: 12 });
  };

  it('the default MI reward prefers the truth; the old per-token mean does not', async () => {
    const now = await check({});
    const old = await check({ miAgg: 'mean', miClip: 0, percGate: 'off' });
    expect(now.overall_without_order).toBeGreaterThanOrEqual(0.9);
    for (const c of ['drop_object', 'drop_shape', 'drop_size', 'duplicate_object', 'truncate'] as const)
      expect(now.classes[c].wins, c).toBe(now.classes[c].pairs);
    expect(old.overall_without_order).toBeLessThan(now.overall_without_order - 0.1);
  }, 120_000);

  it('perception-r1 wins every class but order through the same path', async () => {
    const r = await check({ algo: 'perception-r1' });
    expect(r.overall_without_order).toBe(1);
    expect(r.classes.reorder.wins).toBe(0);
  }, 120_000);

  it("perception-r1's labelled rewards: F1 gives partial credit, exact match none, their sum both", async () => {
    const p = generateProblem(9001, 0);
    const { truth, copies } = corruptions(p, new CounterRng(9001, 0));
    const bad = copies.find((c) => c.cls === 'change_color')!.words;
    const f1 = scoreDescription(bad, p).f1;
    expect(f1).toBeGreaterThan(0);
    expect(f1).toBeLessThan(1);
    const raw = (percLabel: RLConfig['percLabel']) =>
      configuredReward(model, { ...DEFAULT_RL, algo: 'perception-r1', percNorm: 'raw', percLabel })(
        [p],
        [[truth, bad]],
      );
    expect((await raw('f1'))[0]).toEqual([1, f1]);
    expect((await raw('exact'))[0]).toEqual([1, 0]);
    expect((await raw('f1+exact'))[0]).toEqual([2, f1]);
  });

  it("racro's reward: the frozen reader's greedy answer, 0 or 1, the same every time; blind to what the question skips", async () => {
    const cfg = { ...DEFAULT_RL, algo: 'racro' as const };
    const p = generateProblem(9001, 0);
    const { truth, copies } = corruptions(p, new CounterRng(9001, 0));
    const group = [truth, ...copies.map((c) => c.words)];
    const a = await configuredReward(model, cfg)([p], [group]);
    expect(await configuredReward(model, cfg)([p], [group])).toEqual(a);
    for (const r of a[0]) expect([0, 1]).toContain(r);
    // an answer-based reward ties the truth with most corruptions: far below the labelled oracle
    const r = await check(cfg);
    expect(r.overall_without_order).toBeLessThan(0.6);
  }, 120_000);

  it('refuses rewards it cannot score', () => {
    expect(() => configuredReward(model, { ...DEFAULT_RL, algo: 'grpo' })).toThrow(/no perception reward/);
    expect(() => configuredReward(model, { ...DEFAULT_RL, algo: 'vppo' })).toThrow(/no perception reward/);
    expect(() => configuredReward(model, { ...DEFAULT_RL, algo: 'vision-sr1' })).toThrow(/sampled/);
    expect(() => configuredReward(model, { ...DEFAULT_RL, algo: 'pearl' })).toThrow(/probe questions/);
  });
});
