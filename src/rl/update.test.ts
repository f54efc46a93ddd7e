// The update's levers on a hand-built batch (CPU backend, tiny model):
// minibatches x epochs with the sampling policy's log-probs, DAPO's flat-group
// filter, and the learning-rate schedule. (The advantages' own cases: advantages.test.ts.)
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu/cpuBackend';
import { AdamW } from '../model/optimizer';
import { TinyVLM } from '../model/tinyvlm';
import { withAdvantages, type RewardedBatch } from './advantages';
import { DEFAULT_RL, type RLConfig } from './config';
import { learningRate } from './trainer';
import { policyUpdate } from './update';
import type { TrainBatch } from './batch';
import { answerRows, tinyModel, tinyPolicy } from './tinyFixture';

const SMALL = tinyModel('update-test');

/** Two prompts x four rows; the first group's answer rewards all equal (flat) unless `varied`. */
function rewarded(varied: boolean): RewardedBatch {
  const texts = [
    'large red circle top left',
    'small green square bottom right',
    'small blue triangle bottom center',
    'large yellow circle top right',
  ];
  const { rows, images, seg } = answerRows(SMALL, [...texts, ...texts]);
  return {
    prompts: 2,
    perPrompt: 4,
    rows,
    images,
    seg,
    rPerc: Array(8).fill(0),
    rAns: [varied ? 1 : 0, 0, 0, varied ? 1 : 0, 1, 0, 0, 1],
    keep: Array(8).fill(1),
  };
}
const cfg = (over: Partial<RLConfig> = {}): RLConfig => ({ ...DEFAULT_RL, ...over });
const batch = (varied: boolean, c = cfg()): TrainBatch => withAdvantages(rewarded(varied), c);
const fresh = () => {
  const be = new CpuBackend();
  const model = tinyPolicy(be, SMALL, 4);
  return { be, model, opt: new AdamW(be, model.params) };
};
const weights = async (m: TinyVLM) => Array.from((await m.params.toHost()).get('dec.head.w')!);

describe('the update levers', () => {
  it('minibatches x epochs: one optimiser step each, the first pass describing the rollout as sampled', async () => {
    const one = fresh();
    const many = fresh();
    const u1 = await policyUpdate(one.model, one.opt, null, batch(true), cfg(), 1e-2);
    const u4 = await policyUpdate(many.model, many.opt, null, batch(true), cfg({ miniBatches: 2, ppoEpochs: 2 }), 1e-2);
    expect(u1.updates).toBe(1);
    expect(u4.updates).toBe(4);
    expect(many.opt.step).toBe(4);
    // the first pass ran before any update: its log-probs equal the single update's
    for (let i = 0; i < u1.tokLogp.length; i++) expect(u4.tokLogp[i]).toBeCloseTo(u1.tokLogp[i], 5);
    // four steps move the weights further than one
    const w0 = await weights(fresh().model);
    const w1 = await weights(one.model);
    const w4 = await weights(many.model);
    const dist = (a: number[]) => Math.sqrt(a.reduce((s, x, i) => s + (x - w0[i]) ** 2, 0));
    expect(dist(w4)).toBeGreaterThan(dist(w1));
  });

  it('in later epochs the clip stops pushing a token whose ratio left [1 - eps, 1 + eps]', async () => {
    // log p of the positive rows' tokens after 6 epochs, with a tight clip and with none
    const after = async (clip: number) => {
      const { model, opt } = fresh();
      const b = batch(true);
      const u0 = await policyUpdate(model, opt, null, b, cfg({ ppoEpochs: 6, clipLow: clip, clipHigh: clip }), 0.01);
      const u1 = await policyUpdate(model, new AdamW(model.be, model.params), null, b, cfg(), 0); // lr 0: reads log p now
      let gain = 0;
      b.rows.forEach((r, i) => {
        if (b.rAns[i] !== 1) return;
        for (let j = 0; j < b.seg[i].length; j++)
          gain += u1.tokLogp[i * u1.T + r.prefixLen - 1 + j] - u0.tokLogp[i * u0.T + r.prefixLen - 1 + j];
      });
      return gain;
    };
    const clipped = await after(0.05);
    const free = await after(10);
    expect(clipped).toBeGreaterThan(0);
    expect(free).toBeGreaterThan(clipped * 1.5);
  });

  it('DAPO filter: a flat group trains nothing, and a batch of flat groups leaves the weights untouched', async () => {
    const a = fresh();
    const w0 = await weights(a.model);
    const dapo = cfg({ dropFlatGroups: true });
    const flat = withAdvantages({ ...rewarded(false), rAns: Array(8).fill(1) }, dapo);
    const u = await policyUpdate(a.model, a.opt, null, flat, dapo, 1e-2);
    expect(u.updates).toBe(0);
    expect(await weights(a.model)).toEqual(w0);
    // one flat group of two: the update equals training on the varied group alone
    const b = fresh();
    const c = fresh();
    await policyUpdate(b.model, b.opt, null, batch(false, dapo), dapo, 1e-2);
    const r = rewarded(false);
    const only = withAdvantages(
      {
        ...r,
        prompts: 1,
        rows: r.rows.slice(4),
        seg: r.seg.slice(4),
        rPerc: Array(4).fill(0),
        rAns: [1, 0, 0, 1],
        keep: Array(4).fill(1),
      },
      cfg(),
    );
    await policyUpdate(c.model, c.opt, null, only, cfg(), 1e-2);
    const wb = await weights(b.model);
    const wc = await weights(c.model);
    wb.forEach((x, i) => expect(x).toBeCloseTo(wc[i], 6));
  });

  it('the loss trains exactly the masked tokens, on the advantages the batch carries', async () => {
    // doubling every advantage doubles the gradient; masking every token trains nothing
    const b = batch(true);
    const twice: TrainBatch = { ...b, adv: b.adv.map((a) => a.map((x) => 2 * x)) };
    const zero = fresh();
    const u1 = await policyUpdate(zero.model, zero.opt, null, b, cfg(), 0);
    const one = fresh();
    const u2 = await policyUpdate(one.model, one.opt, null, twice, cfg(), 0);
    expect(u1.gradNorm).toBeGreaterThan(0);
    expect(u2.gradNorm).toBeCloseTo(2 * u1.gradNorm, 5);
    const none = fresh();
    const w0 = await weights(none.model);
    const u0 = await policyUpdate(
      none.model,
      none.opt,
      null,
      { ...b, mask: b.mask.map((m) => m.map(() => 0)) },
      cfg(),
      1e-2,
    );
    expect(u0.updates).toBe(0);
    expect(await weights(none.model)).toEqual(w0);
  });

  it("auxiliary groups (PEARL's probes) train with the batch; masked out, they change nothing", async () => {
    const b = batch(true);
    const aux = withAdvantages({ ...rewarded(true), rAns: [0, 1, 1, 0, 0, 0, 1, 1] }, cfg());
    const run = async (x: TrainBatch) => {
      const m = fresh();
      const u = await policyUpdate(m.model, m.opt, null, x, cfg(), 1e-2);
      return { u, w: await weights(m.model) };
    };
    const plain = await run(b);
    const off = await run({ ...b, aux: { ...aux, mask: aux.mask.map((m) => m.map(() => 0)) } });
    expect(off.w).toEqual(plain.w);
    const on = await run({ ...b, aux });
    expect(on.u.gradNorm).not.toBeCloseTo(plain.u.gradNorm, 4);
    expect(on.u.tokLogp.length).toBe(2 * plain.u.tokLogp.length); // the aux rows follow the batch's
  });

  it('learning rate: linear warm-up, then constant or cosine decay to 10% at the last step', () => {
    const c = { lr: 1e-3, warmupSteps: 4, steps: 104 };
    expect(learningRate({ ...c, lrSchedule: 'constant' }, 0)).toBeCloseTo(2.5e-4, 12);
    expect(learningRate({ ...c, lrSchedule: 'constant' }, 3)).toBeCloseTo(1e-3, 12);
    expect(learningRate({ ...c, lrSchedule: 'constant' }, 90)).toBe(1e-3);
    expect(learningRate({ ...c, lrSchedule: 'cosine' }, 4)).toBeCloseTo(1e-3, 12);
    expect(learningRate({ ...c, lrSchedule: 'cosine' }, 54)).toBeCloseTo(0.55e-3, 12);
    expect(learningRate({ ...c, lrSchedule: 'cosine' }, 104)).toBeCloseTo(1e-4, 12);
  });
});
