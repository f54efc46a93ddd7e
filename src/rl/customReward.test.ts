// A custom reward is a measurement: its input is checked against what it describes, the
// examples against known-good and known-bad descriptions (the reward check), and a run on it
// against a run on the built-in reward it re-implements.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu/cpuBackend';
import { CORRUPTIONS, ORDER_CLASS } from '../tasks/corrupt';
import { generateProblem, targetCompletion } from '../tasks/problem';
import { tokenizer, words } from '../tasks/tokenizer';
import { completionLogProbs } from '../model/score';
import { promptsOf } from './rollout';
import { scoreDescription } from '../tasks/verifier';
import { DEFAULT_RL, type RLConfig } from './config';
import { validateRL } from './configValidation';
import { CustomReward, customRewardInput, descriptionObjects } from './customReward';
import { customGroupReward, rewardCheck } from './rewardCheck';
import { REWARD_EXAMPLES } from './rewardExamples';
import { RLTrainer } from './trainer';
import { tinyCheckpoint, tinyModel } from './tinyFixture';

const example = (name: string) => REWARD_EXAMPLES.find((e) => e.name.startsWith(name))!.source;
const custom = (rewardCode: string, over: Partial<RLConfig> = {}): RLConfig => ({
  ...DEFAULT_RL,
  algo: 'custom',
  rewardCode,
  ...over,
});

describe('the custom reward input', () => {
  it('parses the description into objects, lays out the scene, and judges the answer', () => {
    const p = generateProblem(5, 3, { families: ['count'] });
    const desc = words(p.description);
    // the supervised target: the description, closed, then the reasoning and the answer
    const completion = words(targetCompletion(p));
    const inp = customRewardInput(
      { problem: p, desc, closed: true, completion, mi: null },
      { step: 4, trajectory: 7, formatReward: 0.1 },
    );
    expect(inp.description.text).toBe(p.description);
    expect(inp.description.objects).toHaveLength(p.scenes[0].objects.length);
    expect(inp.description.objects.every((o) => o !== null)).toBe(true);
    expect(inp.description.wellFormed).toBe(true);
    expect(inp.scene.objects).toHaveLength(p.scenes[0].objects.length);
    expect(inp.answer).toEqual({ text: p.answer, truth: p.answer, right: true, score: 1, formatOk: true });
    expect(inp.builtins).toEqual({ f1: 1, exact: true, mi: null, format: 0.1 });
    expect([inp.step, inp.trajectory, inp.question]).toEqual([4, 7, p.question]);
    // a phrase that is not five valid words is null; two-image descriptions carry their image
    expect(descriptionObjects(words('large red circle top left , red blob'), 1)).toEqual([
      { size: 'large', color: 'red', shape: 'circle', row: 'top', col: 'left', image: null },
      null,
    ]);
    expect(descriptionObjects(words('first : small blue square bottom right ; second : x'), 2)).toEqual([
      { size: 'small', color: 'blue', shape: 'square', row: 'bottom', col: 'right', image: 'first' },
      null,
    ]);
  });
});

describe('custom rewards, measured', () => {
  it('the labelled F1 example equals the built-in F1 on truth and corrupted copies', async () => {
    const reward = await CustomReward.compile(example('labelled F1'));
    for (let i = 0; i < 30; i++) {
      const p = generateProblem(11, i);
      for (const d of [p.description, p.description.split(' , ').slice(1).join(' , '), 'large red']) {
        const inp = customRewardInput(
          { problem: p, desc: words(d), closed: true, completion: null, mi: null },
          { step: 0, trajectory: i, formatReward: 0 },
        );
        expect(reward.score([inp], [1])[0]).toBeCloseTo(scoreDescription(words(d), p).f1, 12);
      }
    }
  });

  it('the reward check: labelled F1 wins every class but order; the length reward loses the same-length ones', async () => {
    const f1 = custom(example('labelled F1'));
    const good = await rewardCheck(customGroupReward(null, f1), f1, 31337, 200);
    for (const c of CORRUPTIONS.filter((x) => x !== ORDER_CLASS && good.classes[x].pairs > 0))
      expect(good.classes[c].wins / good.classes[c].pairs, c).toBeGreaterThan(0.95);
    const len = custom(example('length'));
    const bad = await rewardCheck(customGroupReward(null, len), len, 31337, 200);
    // a colour or shape swapped keeps the length: the length reward cannot tell, a duplicate it prefers
    expect(bad.classes.change_color.wins).toBe(0);
    expect(bad.classes.change_shape.wins).toBe(0);
    expect(bad.classes.duplicate_object.wins).toBe(0);
    expect(bad.classes.drop_object.wins).toBe(bad.classes.drop_object.pairs);
  });

  it('a reward that returns nothing, text or NaN is refused, naming the trajectory', async () => {
    const p = generateProblem(1, 0);
    const inp = (trajectory: number) =>
      customRewardInput(
        { problem: p, desc: words(p.description), closed: true, completion: null, mi: null },
        { step: 3, trajectory, formatReward: 0 },
      );
    for (const [body, said] of [
      ['return NaN', 'returned NaN'],
      ['return 1 / 0', 'returned Infinity'],
      ['return "1"', 'returned string "1"'],
      ['return', 'returned nothing (undefined)'],
    ]) {
      const r = await CustomReward.compile(
        `function reward(input) {\n  if (input.trajectory === 5) { ${body} }\n  return 1;\n}`,
      );
      expect(() => r.score([inp(4), inp(5)], [1, 2])).toThrow(
        `reward(input) of trajectory 5 (input.step 3) ${said}: it must return one finite number`,
      );
      r.dispose();
    }
  });

  it('is deterministic: Math.random is seeded by the run seed, step and row', async () => {
    const src = 'function reward(input) { return Math.random() }';
    const cfg = custom(src);
    const a = await rewardCheck(customGroupReward(null, cfg), cfg, 5, 16);
    const b = await rewardCheck(customGroupReward(null, { ...cfg }), cfg, 5, 16);
    expect(b.classes).toEqual(a.classes);
    const other = { ...cfg, seed: 2 };
    const c = await rewardCheck(customGroupReward(null, other), other, 5, 16);
    expect(c.classes).not.toEqual(a.classes);
  });

  it('the config asks for code when the algorithm is custom', () => {
    expect(validateRL(custom('')).rewardCode).toMatch(/reward\(input\)/);
    expect(validateRL(custom(example('length')))).toEqual({});
    expect(validateRL(custom('x'.repeat(20001))).rewardCode).toMatch(/at most 20000 characters/);
  });
});

describe('training on a custom reward (CPU backend, tiny model)', () => {
  const SMALL = tinyModel('custom-test');
  const ck = () => tinyCheckpoint(SMALL, 3);
  const small: Partial<RLConfig> = {
    G: 4,
    batchPrompts: 2,
    maxDescTokens: 8,
    maxAnswerTokens: 6,
    heldoutEvery: 0,
    recordPrompts: 2,
    percCredit: 'sequence',
  };
  const run = async (c: RLConfig, steps = 2) => {
    const t = new RLTrainer(new CpuBackend(), c, ck());
    const out = [];
    for (let i = 0; i < steps; i++) {
      const { metrics, records } = await t.trainStep();
      const { step_ms: _a, phase_ms: _b, ...rest } = metrics;
      out.push({ metrics: rest, rPerc: records.flatMap((r) => r.trajectories.map((x) => x.rPerc)) });
    }
    t.free();
    return out;
  };

  it('the F1 example trains exactly as Perception-R1 (sequence credit): same rewards, same metrics', async () => {
    const mine = await run(custom(example('labelled F1'), small));
    const builtin = await run({ ...DEFAULT_RL, algo: 'perception-r1', ...small });
    expect(mine.map((s) => s.rPerc)).toEqual(builtin.map((s) => s.rPerc));
    expect(mine.map((s) => s.metrics.loss)).toEqual(builtin.map((s) => s.metrics.loss));
  });

  it('passes the MI terms with rewardMI: one pointwise MI a description token, summing to the score', async () => {
    // the reward checks its own input, and throws (failing the step) where the terms disagree
    const src = `function reward(input) {
  if (input.mi === null || input.builtins.mi !== input.mi.score) throw new Error('no MI');
  const n = input.description.text === '' ? 0 : input.description.text.split(' ').length;
  if (input.mi.perToken.length !== n) throw new Error('tokens ' + input.mi.perToken.length + ' words ' + n);
  const sum = input.mi.perToken.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - input.mi.score) > 1e-3 * (1 + Math.abs(sum))) throw new Error('sum ' + sum + ' score ' + input.mi.score);
  return input.mi.score;
}`;
    const c = custom(src, { ...small, rewardMI: true, miAgg: 'sum', miClip: 0, miScorer: 'policy' });
    const [s] = await run(c, 1);
    expect(Number.isFinite(s.metrics.mean_mi)).toBe(true);
    expect(s.rPerc.every(Number.isFinite)).toBe(true);
    // the reward check scores MI with the model it is given
    const model = new RLTrainer(new CpuBackend(), c, ck()).model;
    const r = await rewardCheck(customGroupReward(model, c), c, 3, 4);
    expect(Object.values(r.classes).reduce((a, t) => a + t.pairs, 0)).toBeGreaterThan(0);
    await expect(rewardCheck(customGroupReward(null, c), c, 3, 4)).rejects.toThrow(/needs the model/);
  });

  it('gives each description token its log p with and without the image, as the teacher-forced passes compute them', async () => {
    const sum = (field: string) =>
      `function reward(input) {\n  return input.mi.${field}.reduce((a, b) => a + b, 0);\n}`;
    const c = custom(sum('logpWith'), { ...small, rewardMI: true, estimator: 'null' });
    const model = new RLTrainer(new CpuBackend(), c, ck()).model;
    const problems = [generateProblem(5, 0), generateProblem(5, 1)];
    const groups = problems.map((p) => [words(p.description), words(p.description).slice(0, 5), ['large']]);
    // the same numbers, by hand: each description after its prompt, with its image and with the null image
    const { rows, images } = promptsOf(problems, model.config);
    const descRows = groups.flatMap((g, i) =>
      g.map((d) => ({ ...rows[i], ids: [...rows[i].ids, ...tokenizer.encode(d.join(' '))] })),
    );
    const total = (lps: Float32Array[]) => lps.map((l) => l.reduce((a, b) => a + b, 0));
    const withImage = total(await completionLogProbs(model, descRows, images));
    const nullRows = descRows.map((r) => ({ ...r, images: r.images.map(() => ({ kind: 'null' as const })) }));
    const withoutImage = total(await completionLogProbs(model, nullRows, images));
    expect(withImage.some((x, i) => Math.abs(x - withoutImage[i]) > 1e-3)).toBe(true);
    const got = async (src: string) =>
      (await customGroupReward(model, { ...c, rewardCode: src })(problems, groups)).flat();
    const near = (xs: number[], ys: number[]) => xs.forEach((x, i) => expect(x).toBeCloseTo(ys[i], 4));
    near(await got(sum('logpWith')), withImage);
    near(await got(sum('logpWithout')), withoutImage);
    // their difference is the per-token MI, token by token
    const diff = `function reward(input) {
  const m = input.mi;
  if (m.logpWith.length !== m.perToken.length || m.logpWithout.length !== m.perToken.length) return 99;
  return Math.max(...m.perToken.map((d, t) => Math.abs(m.logpWith[t] - m.logpWithout[t] - d)));
}`;
    expect(Math.max(...(await got(diff)))).toBeLessThan(1e-4);
    // a source that never names them does not pay for their pass: both are null
    const unnamed =
      "function reward(input) {\n  return input.mi['logp' + 'With'] === null && input.mi['logp' + 'Without'] === null ? 1 : 0;\n}";
    expect(await got(unnamed)).toEqual(descRows.map(() => 1));
    // in training too, from the sampler's log-probs (the policy scores) or the frozen scorer's pass
    const strict = `function reward(input) {
  const m = input.mi;
  if (m.perToken.some((d, t) => !(Math.abs(m.logpWith[t] - m.logpWithout[t] - d) < 1e-4))) throw new Error('off');
  return m.score;
}`;
    for (const miScorer of ['policy', 'warmstart'] as const) {
      const [s] = await run(custom(strict, { ...small, rewardMI: true, miScorer }), 1);
      expect(s.rPerc.every(Number.isFinite)).toBe(true);
    }
  });

  it("answerReward replaces the answer reward; a reward that throws stops the step with the code's line", async () => {
    const zero = custom('function reward(i) { return 0 }\nfunction answerReward(i) { return 0 }', small);
    const [s] = await run(zero, 1);
    // no reward differs within any group: nothing to learn from
    expect(s.metrics.zero_std_frac).toBe(1);
    const t = new RLTrainer(
      new CpuBackend(),
      custom('function reward(i) {\n  throw new Error("nope");\n}', small),
      ck(),
    );
    await expect(t.trainStep()).rejects.toThrow(
      /reward\(input\) of trajectory 0 \(input.step 0\): it threw: Error: nope/,
    );
    // nothing was lost: the step did not count, and the error is the same on a retry
    expect(t.step).toBe(0);
    await expect(t.trainStep()).rejects.toMatchObject({ line: 2 });
    t.free();
  });
});
