// The RL machinery end to end on the CPU reference backend with a tiny model.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu/cpuBackend';
import { problemExample } from '../model/examples';
import { AdamW } from '../model/optimizer';
import { Params } from '../model/params';
import { TinyVLM } from '../model/tinyvlm';
import { generateProblem } from '../tasks/problem';
import { tokenizer } from '../tasks/tokenizer';
import { words } from '../tasks/tokenizer';
import { DEFAULT_RL, type RLConfig } from './config';
import type { StepMetrics } from './types';
import { DESC_END, repeatRows, sampleRows, scoreDescriptions, splitDescription, stepPrompts } from './rollout';
import { RLTrainer } from './trainer';
import { withAdvantages } from './advantages';
import { policyUpdate } from './update';
import { SEG_ANS, SEG_PERC } from './batch';
import { answerRows, SMALL_RUN, tinyCheckpoint, tinyModel, tinyPolicy } from './tinyFixture';

const SMALL = tinyModel('rl-test');
const ck = (seed = 1) => tinyCheckpoint(SMALL, seed);
const cfg = (over: Partial<RLConfig> = {}): RLConfig => ({
  ...DEFAULT_RL,
  ...SMALL_RUN,
  heldoutEvery: 0,
  recordPrompts: 1,
  contrastiveK: 1,
  ...over,
});

describe('reward blindness on a hand-built batch', () => {
  // One prompt, four trajectories. Row 0: a WRONG description followed by the RIGHT
  // answer (a lucky guess). Rows 1-3: the right description, wrong answers.
  const p = generateProblem(9, 0, { families: ['count'] });
  const wrongDesc = words(p.description).map((w) =>
    w === 'red' ? 'blue' : w === 'blue' ? 'red' : w === 'green' ? 'yellow' : w === 'yellow' ? 'green' : w,
  );
  const ex = problemExample(p, SMALL);
  const rowOf = (desc: string[], ans: string) => {
    const gen = [
      ...tokenizer.encode(desc.join(' ')),
      DESC_END,
      ...tokenizer.encode(`<reason> ${p.reasoning} </reason> <ans> ${ans} </ans>`),
    ];
    return { ids: [...ex.row.ids, ...gen], n: gen.length, nDesc: desc.length + 1 };
  };
  const wrongAnswer = String((Number(p.answer) + 1) % 5);
  const built = [
    rowOf(wrongDesc, p.answer),
    rowOf(words(p.description), wrongAnswer),
    rowOf(words(p.description), wrongAnswer),
    rowOf(words(p.description), wrongAnswer),
  ];
  const rows = built.map((b) => ({ ...ex.row, ids: b.ids }));

  /** The mean advantage over each row's description tokens. */
  function descAdvantages(seg: (b: (typeof built)[number]) => number[], rPerc: number[], rAns: number[]): number[] {
    const batch = withAdvantages(
      { prompts: 1, perPrompt: 4, rows, images: ex.images, seg: built.map(seg), rPerc, rAns, keep: [1, 1, 1, 1] },
      cfg(),
    );
    return built.map((b, i) => batch.adv[i].slice(0, b.nDesc).reduce((a, x) => a + x, 0) / b.nDesc);
  }

  it('GRPO pushes the wrong description of the lucky guess up', async () => {
    const adv = descAdvantages((b) => Array(b.n).fill(SEG_ANS), [0, 0, 0, 0], [1, 0, 0, 0]);
    expect(adv[0]).toBeGreaterThan(0); // reward-blind: wrong description, positive advantage
    for (const a of adv.slice(1)) expect(a).toBeLessThan(0); // right descriptions pushed down
  });

  it('MIRL gives the descriptions the advantage their MI earns, whatever the answer', async () => {
    const mi = [-0.4, 0.9, 0.7, 0.8]; // the wrong description scores lowest
    const seg = (b: (typeof built)[number]) => [
      ...Array(b.nDesc).fill(SEG_PERC),
      ...Array(b.n - b.nDesc).fill(SEG_ANS),
    ];
    const adv = descAdvantages(seg, mi, [1, 0, 0, 0]);
    const m = mi.reduce((a, x) => a + x, 0) / 4;
    const sd = Math.sqrt(mi.reduce((a, x) => a + (x - m) ** 2, 0) / 3);
    adv.forEach((a, i) => expect(a).toBeCloseTo((mi[i] - m) / (sd + 1e-6), 4));
    expect(adv[0]).toBeLessThan(0);
  });
});

describe('the update moves the policy the way the advantages say', () => {
  it('raises log p of positive-advantage trajectories and lowers it for negative ones', async () => {
    const be = new CpuBackend();
    const model = tinyPolicy(be, SMALL, 4);
    const opt = new AdamW(be, model.params);
    // Pushed-up and pushed-down rows share no words (but </desc>), so generalisation between them cannot mask the sign.
    const { gen, rows, images, seg } = answerRows(SMALL, [
      'large red circle top left',
      'small green square bottom right',
      'small blue triangle bottom center',
      'large red circle top left',
    ]);
    const batch = withAdvantages(
      { prompts: 1, perPrompt: 4, rows, images, seg, rPerc: [0, 0, 0, 0], rAns: [1, 0, 0, 1], keep: [1, 1, 1, 1] },
      cfg(),
    );
    const rowLogp = (u: Awaited<ReturnType<typeof policyUpdate>>) =>
      rows.map((r, i) => gen[i].reduce((a, _, j) => a + u.tokLogp[i * u.T + r.prefixLen - 1 + j], 0));
    const before = rowLogp(await policyUpdate(model, opt, null, batch, cfg(), 0.01));
    const after = rowLogp(await policyUpdate(model, opt, null, batch, cfg(), 0));
    expect(after[0]).toBeGreaterThan(before[0]);
    expect(after[3]).toBeGreaterThan(before[3]);
    expect(after[1]).toBeLessThan(before[1]);
    expect(after[2]).toBeLessThan(before[2]);
  });
});

describe('RL trainer (CPU backend, tiny model)', () => {
  // one step of every algorithm: algorithms/everyRow.test.ts

  it('is reproducible: same seed and config, same metrics step for step', async () => {
    const run = async () => {
      const t = new RLTrainer(new CpuBackend(), cfg({ estimator: 'patch' }), ck());
      const out = [];
      for (let i = 0; i < 2; i++) {
        const { metrics } = await t.trainStep();
        const { step_ms: _a, phase_ms: _b, ...rest } = metrics;
        out.push(rest);
      }
      return out;
    };
    expect(await run()).toEqual(await run());
  });

  it('trains bit-identically whatever the held-out samples per problem (their own RNG stream), and reports figures over samples with greedy beside', async () => {
    const run = async (heldoutSamples: number) => {
      const t = new RLTrainer(new CpuBackend(), cfg({ heldoutEvery: 1, heldoutCount: 3, heldoutSamples }), ck(6));
      const out = [];
      for (let s = 0; s < 2; s++) out.push((await t.trainStep()).metrics);
      const weights = await t.model.params.toHost();
      t.free();
      return { out, weights };
    };
    const greedy = await run(0);
    const sampled = await run(3);
    const training = (m: StepMetrics) => {
      const { step_ms: _a, phase_ms: _b, heldout: _c, heldout_start: _d, ...rest } = m;
      return rest;
    };
    expect(sampled.out.map(training)).toEqual(greedy.out.map(training));
    for (const [k, w] of greedy.weights) expect(sampled.weights.get(k)).toEqual(w);
    // the warm start's figures, then one evaluation after each step
    expect(greedy.out[0].heldout_start!.sampled).toBeNull();
    const h = sampled.out[1].heldout!;
    expect(h.count).toBe(3);
    expect(h.sampled).toMatchObject({ k: 3, temperature: 1, top_p: 1 });
    for (const f of ['desc_exact', 'desc_f1', 'answer_acc', 'lucky'] as const) {
      expect(h.sampled![f]).toBeGreaterThanOrEqual(0);
      expect(h.sampled![f]).toBeLessThanOrEqual(1);
      expect(Number.isFinite(h.sampled!.se[f])).toBe(true);
    }
    // greedy beside, the same whatever k
    expect(h.greedy).toEqual(greedy.out[1].heldout!.greedy);
    expect(h.gt_desc_nll).toBe(greedy.out[1].heldout!.gt_desc_nll);
    expect(h.gt_desc_nll).toBeGreaterThan(0);
  });

  it('scores MI with the frozen warm start when asked, so the policy cannot move its own scorer', async () => {
    // no gate: the random tiny model's descriptions are all malformed, and gated they would carry no advantage to move the policy
    const c = (miScorer: RLConfig['miScorer']) => cfg({ miScorer, lr: 0.05, recordPrompts: 1, percGate: 'off' });
    const run = async (miScorer: RLConfig['miScorer']) => {
      const t = new RLTrainer(new CpuBackend(), c(miScorer), ck());
      const steps = [await t.trainStep(), await t.trainStep()];
      t.free();
      return steps.map((s) => s.records[0].trajectories.map((x) => ({ desc: x.description, mi: x.mi })));
    };
    const [pol, warm] = [await run('policy'), await run('warmstart')];
    // Step 1: both scorers are the warm start (the policy's real pass is its sampler's log-probs, equal up to
    // rounding). Same rewards, same update, so step 2 samples the same descriptions...
    expect(warm[0].map((x) => x.desc)).toEqual(pol[0].map((x) => x.desc));
    warm[0].forEach((x, i) => expect(x.mi).toBeCloseTo(pol[0][i].mi!, 4));
    expect(warm[1].map((x) => x.desc)).toEqual(pol[1].map((x) => x.desc));
    // ...which the updated policy scores differently, and the warm start exactly as a fresh copy of it does.
    expect(warm[1].some((x, i) => Math.abs(x.mi! - pol[1][i].mi!) > 1e-3)).toBe(true);
    const be = new CpuBackend();
    const fresh = new TinyVLM(be, SMALL, new Params(SMALL, be, ck().tensors));
    const prompts = stepPrompts(fresh, c('warmstart'), 1);
    const rows = repeatRows(prompts.rows.slice(0, 1), 4).map((r, i) => ({
      ...r,
      ids: [...r.ids, ...tokenizer.encode(warm[1][i].desc.join(' '))],
    }));
    const s = scoreDescriptions(
      fresh,
      { descRows: rows, images: prompts.images, promptImages: prompts.promptImages, promptOf: [0, 0, 0, 0] },
      c('warmstart'),
      1,
    );
    const mi = await be.read(s.mi);
    warm[1].forEach((x, i) => expect(x.mi).toBeCloseTo(mi[i], 4));
    // A trainer rebuilt from a later snapshot (device-loss recovery) keeps the run's warm start as its reference.
    const resumed = new RLTrainer(new CpuBackend(), c('warmstart'), ck(5), ck());
    const ref = await resumed.ref!.params.toHost();
    expect(Array.from(ref.get('dec.head.w')!)).toEqual(Array.from(ck().tensors.get('dec.head.w')!));
    resumed.free();
  });

  it('stops on a non-finite loss, keeping the last good weights and the metrics', async () => {
    const bad = ck();
    bad.tensors.get('dec.head.w')![0] = Number.NaN;
    const t = new RLTrainer(new CpuBackend(), cfg(), bad);
    const before = await t.model.params.toHost();
    const { metrics } = await t.trainStep();
    expect(metrics.error).toMatch(/non-finite loss/);
    expect(t.stoppedReason).not.toBeNull();
    const after = await t.model.params.toHost();
    for (const [k, v] of before) expect(Array.from(after.get(k)!).map(String)).toEqual(Array.from(v).map(String));
    await expect(t.trainStep()).rejects.toThrow(/run stopped/);
  });

  it('scores MI (where it is only a metric) and KL (at beta 0) every metricEvery steps, and trains exactly as when it scores every step', async () => {
    const run = async (over: Partial<RLConfig>) => {
      const t = new RLTrainer(new CpuBackend(), cfg({ algo: 'grpo', ...over }), ck(4));
      const out = [];
      for (let s = 0; s < 4; s++) out.push(await t.trainStep());
      t.free();
      return out;
    };
    const every = await run({ metricEvery: 1 });
    const sparse = await run({ metricEvery: 3 });
    expect(sparse.map((r) => r.metrics.mean_mi === null)).toEqual([false, true, true, false]);
    // KL at beta = 0: measured on the same steps (the reference pass)
    expect(sparse.map((r) => r.metrics.kl === null)).toEqual([false, true, true, false]);
    expect(sparse[1].records[0].trajectories.every((x) => x.mi === null && x.tokDep.every((d) => d === 0))).toBe(true);
    expect(sparse[1].metrics.forward_tokens).toBeLessThan(every[1].metrics.forward_tokens); // no reference pass
    const training = (r: Awaited<ReturnType<typeof run>>[number]) => {
      const {
        step_ms: _a,
        phase_ms: _b,
        mean_mi: _c,
        mi_auc: _d,
        mi_group_auc: _e,
        kl: _f,
        forward_tokens: _g,
        ...m
      } = r.metrics;
      return { m, desc: r.records[0].trajectories.map((x) => [x.description, x.continuation, x.tokAdv, x.tokLogp]) };
    };
    expect(sparse.map(training)).toEqual(every.map(training));
    expect(sparse[3].metrics.mean_mi).toBe(every[3].metrics.mean_mi);
  });

  it("takes MI's real pass from the sampler's log-probs: the same scores as the teacher-forced pass, one pass fewer", async () => {
    const be = new CpuBackend();
    const model = tinyPolicy(be, SMALL, 6);
    for (const over of [
      {},
      { estimator: 'patch' as const, miAgg: 'mean' as const },
      { temperature: 0.6, topP: 0.8, miClip: 0.5 },
    ]) {
      const c = cfg({ maxDescTokens: 12, ...over });
      const prompts = stepPrompts(model, c, 0);
      const rows = repeatRows(prompts.rows, 3);
      const s = await sampleRows(
        model,
        { rows, images: prompts.images, rowIds: rows.map((_, i) => i) },
        { stop: DESC_END, maxNew: c.maxDescTokens, cfg: c, step: 0, logprobs: true },
      );
      const desc = s.tokens.map((t) => splitDescription(t).desc);
      const descRows = rows.map((r, i) => ({ ...r, ids: [...r.ids, ...desc[i]] }));
      const promptOf = rows.map((_, i) => Math.floor(i / 3));
      const forced = scoreDescriptions(
        model,
        { descRows, images: prompts.images, promptImages: prompts.promptImages, promptOf },
        c,
        0,
      );
      const realLogp = s.logp!.map((l, i) => l.slice(0, desc[i].length));
      const sampled = scoreDescriptions(
        model,
        { descRows, images: prompts.images, promptImages: prompts.promptImages, promptOf, realLogp },
        c,
        0,
      );
      expect(sampled.forwardTokens).toBeLessThan(forced.forwardTokens);
      const [a, b] = [await be.read(forced.mi), await be.read(sampled.mi)];
      expect(desc.some((d) => d.length > 2)).toBe(true);
      for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 4);
      const [da, db] = [await be.read(forced.dep), await be.read(sampled.dep)];
      for (let i = 0; i < da.length; i++) expect(db[i]).toBeCloseTo(da[i], 4);
    }
  });

  it('measures the KL to the warm start at beta 0 on metric steps, and it grows once the policy moves', async () => {
    // MIRL's MI reward varies within a group even for a random model, so the policy moves (no gate: all would be malformed)
    const t = new RLTrainer(
      new CpuBackend(),
      cfg({ algo: 'mirl', beta: 0, metricEvery: 2, lr: 0.05, percGate: 'off' }),
      ck(7),
    );
    const kl: (number | null)[] = [];
    for (let s = 0; s < 5; s++) kl.push((await t.trainStep()).metrics.kl);
    t.free();
    expect(kl.map((x) => x === null)).toEqual([false, true, false, true, false]);
    expect(kl[0]).toBeCloseTo(0, 6); // the policy is the warm start
    expect(kl[4]!).toBeGreaterThan(1e-6);
  });
});
