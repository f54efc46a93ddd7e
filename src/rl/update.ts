// The policy update shared by every algorithm: decoupled advantages (one
// kernel), per-token log-probs of the current policy, the clipped surrogate
// with optional KL (one kernel), backward through TinyVLM, AdamW. A rollout
// can be split into minibatches (whole prompt groups) and passed over several
// times; the log-probs of the sampling policy are then taken before the first
// update, so the clipped ratio does its job. A non-finite loss or gradient norm
// leaves the weights untouched.

import { IGNORE_INDEX, TensorScope, type Backend, type Tensor } from '../backend/backend';
import { type SeqRow, maxLen, nextTokenTargets, uploadBatch } from '../model/inputs';
import type { AdamW } from '../model/optimizer';
import type { TinyVLM } from '../model/tinyvlm';
import type { RLConfig } from './config';

export const SEG_NONE = 0;
export const SEG_PERC = 1;
export const SEG_ANS = 2;

export interface TrainBatch {
  /** The batch's prompts, and rows per prompt (its group: the config's G, or MIRL's N); rows are prompt-major. */
  prompts: number;
  perPrompt: number;
  rows: SeqRow[];
  images: Float32Array[];
  /** Per row, the segment of each token after the prefix. */
  seg: number[][];
  rPerc: number[];
  rAns: number[];
  keep: number[];
  /** Per row, a perception advantage per generated token, used on its perception tokens instead of the row's (perception-r1's object credit). */
  percTok?: number[][];
}

export interface UpdateResult {
  loss: number;
  kl: number;
  entropy: number;
  gradNorm: number;
  applied: boolean;
  /** Optimiser steps taken (minibatches x epochs, less any skipped for having no trainable token). */
  updates: number;
  /** [2B]: A_perc, A_ans per row. */
  rowAdv: Float32Array;
  T: number;
  /** [B * T], position t scoring token t + 1: advantages and the sampling policy's log-probs (before any update); entropy of the first pass. */
  tokAdv: Float32Array;
  tokLogp: Float32Array;
  tokEntropy: Float32Array;
  forwardTokens: number;
}

type UpdateCfg = Pick<
  RLConfig,
  | 'advNormalize'
  | 'wPerc'
  | 'wAns'
  | 'lossAgg'
  | 'clipLow'
  | 'clipHigh'
  | 'beta'
  | 'dropFlatGroups'
  | 'ppoEpochs'
  | 'miniBatches'
> & {
  /** Run the reference pass for the KL metric even at beta = 0 (where it does not enter the loss). */
  measureKL?: boolean;
};

const allEqual = (xs: readonly number[]) => xs.every((x) => x === xs[0]);

/** DAPO's filter per segment: a group whose rewards are all equal trains nothing in that segment (instead of diluting the mean). */
function dropFlat(b: TrainBatch): number[][] {
  const seg = b.seg.map((s) => [...s]);
  for (let g = 0; g < b.prompts; g++) {
    const idx = Array.from({ length: b.perPrompt }, (_, j) => g * b.perPrompt + j);
    const flatPerc = allEqual(idx.map((i) => b.rPerc[i]));
    const flatAns = allEqual(idx.filter((i) => b.keep[i]).map((i) => b.rAns[i]));
    for (const i of idx)
      seg[i] = seg[i].map((s) => ((s === SEG_PERC && flatPerc) || (s === SEG_ANS && flatAns) ? SEG_NONE : s));
  }
  return seg;
}

/** The groups [g0, g1) of a batch as a batch of their own. */
function groupSlice(b: TrainBatch, g0: number, g1: number): TrainBatch {
  const r0 = g0 * b.perPrompt;
  const r1 = g1 * b.perPrompt;
  return {
    ...b,
    prompts: g1 - g0,
    rows: b.rows.slice(r0, r1),
    seg: b.seg.slice(r0, r1),
    rPerc: b.rPerc.slice(r0, r1),
    rAns: b.rAns.slice(r0, r1),
    keep: b.keep.slice(r0, r1),
    percTok: b.percTok?.slice(r0, r1),
  };
}

interface Prepared {
  B: number;
  T: number;
  targets: Uint32Array;
  seg: Uint32Array;
  weight: Float32Array;
  active: number;
}

function prepare(b: TrainBatch, cfg: UpdateCfg): Prepared {
  const B = b.rows.length;
  const T = maxLen(b.rows);
  const n = B * T;
  const targets = nextTokenTargets(b.rows, T);
  const seg = new Uint32Array(n);
  b.rows.forEach((r, i) =>
    b.seg[i].forEach((s, j) => {
      const t = r.prefixLen + j - 1;
      if (t >= 0 && t < T) seg[i * T + t] = s;
    }),
  );
  const weight = new Float32Array(n);
  const active = seg.reduce((a, s) => a + (s !== SEG_NONE ? 1 : 0), 0);
  const activeRows = b.rows.filter((_, i) => seg.subarray(i * T, (i + 1) * T).some((s) => s !== SEG_NONE)).length;
  for (let i = 0; i < B; i++) {
    const cnt = seg.subarray(i * T, (i + 1) * T).reduce((a, s) => a + (s !== SEG_NONE ? 1 : 0), 0);
    for (let t = 0; t < T; t++) {
      if (seg[i * T + t] === SEG_NONE || targets[i * T + t] === IGNORE_INDEX) continue;
      weight[i * T + t] = cfg.lossAgg === 'token' ? 1 / active : 1 / (cnt * activeRows);
    }
  }
  return { B, T, targets, seg, weight, active };
}

/** [B * T]: the rows' per-token perception advantages (times the weight) at their perception tokens. */
function tokenPerceptionAdvantages(b: TrainBatch, pr: Prepared, wPerc: number): Float32Array {
  const out = new Float32Array(pr.B * pr.T);
  b.rows.forEach((r, i) =>
    b.percTok![i].forEach((a, j) => {
      const t = r.prefixLen + j - 1;
      if (t >= 0 && t < pr.T && pr.seg[i * pr.T + t] === SEG_PERC) out[i * pr.T + t] = wPerc * a;
    }),
  );
  return out;
}

/** Per-token log-probs of the batch's tokens under the model as it is now (the sampling policy's, when taken before updating). */
async function currentLogProbs(model: TinyVLM, b: TrainBatch): Promise<Float32Array> {
  const be = model.be;
  const c = model.config;
  const T = maxLen(b.rows);
  const n = b.rows.length * T;
  const s = new TensorScope(be);
  const targets = s.keep(be.fromArray([n], nextTokenTargets(b.rows, T)));
  const { enc, dec } = s.defer(uploadBatch(be, b.rows, b.images, T, c));
  const lp = s.keep(be.zeros([n]));
  const lse = s.keep(be.zeros([n]));
  be.logSoftmaxGather(lp, lse, model.forward(enc, dec), targets, n, c.vocabSize);
  const out = await be.read(lp);
  s.free();
  return out;
}

interface OneUpdate extends Omit<UpdateResult, 'updates' | 'rowAdv' | 'tokAdv' | 'tokLogp' | 'tokEntropy'> {
  rowAdv: Float32Array;
  tokAdv: Float32Array;
  tokLogp: Float32Array;
  tokEntropy: Float32Array;
  active: number;
}

/** Tensors of one update, uploaded into (and freed with) one scope. */
type Upload = <A extends Float32Array | Uint32Array>(d: A) => Tensor;

/**
 * The per-token advantages of a batch: group-normalised per segment (the backend's op), with
 * Perception-R1's object credit in place of the row's perception advantage where the batch has it.
 */
function tokenAdvantages(
  be: Backend,
  b: TrainBatch,
  pr: Prepared,
  cfg: UpdateCfg,
  t: { up: Upload; zeros: (k: number) => Tensor; seg: Tensor },
): { advTok: Tensor; rowAdv: Tensor } {
  const n = pr.B * pr.T;
  const rPerc = t.up(Float32Array.from(b.rPerc));
  const rAns = t.up(Float32Array.from(b.rAns));
  const keep = t.up(Uint32Array.from(b.keep));
  const rowAdvTok = t.zeros(n);
  const rowAdv = t.zeros(2 * pr.B);
  be.advantages(rowAdvTok, rowAdv, rPerc, rAns, keep, t.seg, b.prompts, b.perPrompt, pr.T, {
    normalize: cfg.advNormalize,
    eps: 1e-6,
    wPerc: b.percTok ? 0 : cfg.wPerc,
    wAns: cfg.wAns,
  });
  if (!b.percTok) return { advTok: rowAdvTok, rowAdv };
  // a separate output: WebGPU cannot bind one buffer as both input and output
  const advTok = t.zeros(n);
  be.add(advTok, rowAdvTok, t.up(tokenPerceptionAdvantages(b, pr, cfg.wPerc)));
  return { advTok, rowAdv };
}

/** Per-token loss, KL and entropy of the policy on the batch, and its gradients (left in `model.grads`). */
function lossAndGradients(
  model: TinyVLM,
  ref: TinyVLM | null,
  b: TrainBatch,
  cfg: UpdateCfg,
  lpOldHost: Float32Array | null,
  t: {
    s: TensorScope;
    up: Upload;
    zeros: (k: number) => Tensor;
    targets: Tensor;
    weight: Tensor;
    advTok: Tensor;
    T: number;
  },
): { loss: Tensor; kl: Tensor; ent: Tensor; lpNew: Tensor; forwardTokens: number } {
  const be = model.be;
  const c = model.config;
  const V = c.vocabSize;
  const n = b.rows.length * t.T;
  const { enc, dec } = t.s.defer(uploadBatch(be, b.rows, b.images, t.T, c));
  const lpNew = t.zeros(n);
  const lse = t.zeros(n);
  const ent = t.zeros(n);
  const logits = model.forward(enc, dec);
  be.logSoftmaxGather(lpNew, lse, logits, t.targets, n, V);
  const lpOld = lpOldHost ? t.up(lpOldHost) : t.zeros(n);
  if (!lpOldHost) be.copy(lpOld, lpNew);
  be.entropy(ent, logits, n, V);
  let lpRef = lpOld;
  let forwardTokens = n;
  if (ref && (cfg.beta > 0 || cfg.measureKL)) {
    lpRef = t.zeros(n);
    be.logSoftmaxGather(lpRef, t.zeros(n), ref.forward(enc, dec), t.targets, n, V);
    forwardTokens += n;
  }
  const loss = t.zeros(n);
  const kl = t.zeros(n);
  const dlp = t.zeros(n);
  be.policyLoss(loss, kl, dlp, lpNew, lpOld, lpRef, t.advTok, t.weight, n, {
    clipLow: cfg.clipLow,
    clipHigh: cfg.clipHigh,
    beta: cfg.beta,
  });
  model.zeroGrads();
  be.fill(model.dlogits, 0);
  be.logSoftmaxGatherBackward(model.dlogits, dlp, logits, lse, t.targets, n, V);
  model.backward();
  return { loss, kl, ent, lpNew, forwardTokens };
}

/** One optimiser step on a batch; `lpOldHost` null: the sampling policy is the current one (ratio 1). */
async function updateOnce(
  model: TinyVLM,
  opt: AdamW,
  ref: TinyVLM | null,
  b: TrainBatch,
  cfg: UpdateCfg,
  lr: number,
  lpOldHost: Float32Array | null,
): Promise<OneUpdate> {
  const be = model.be;
  const pr = prepare(b, cfg);
  const { B, T, active } = pr;
  const n = B * T;
  const s = new TensorScope(be);
  const up: Upload = (d) => s.keep(be.fromArray([d.length], d));
  const zeros = (k: number) => s.keep(be.zeros([k]));
  const targets = up(pr.targets);
  const seg = up(pr.seg);
  const weight = up(pr.weight);
  const { advTok, rowAdv } = tokenAdvantages(be, b, pr, cfg, { up, zeros, seg });
  const g = lossAndGradients(model, ref, b, cfg, lpOldHost, { s, up, zeros, targets, weight, advTok, T });
  opt.computeNorm(model.grads!);

  // one wait for all the readbacks instead of one per buffer
  const [lossH, klH, entH, lpH, advH, rowAdvH, normSq] = await Promise.all([
    be.read(g.loss),
    be.read(g.kl),
    be.read(g.ent),
    be.read(g.lpNew),
    be.read(advTok),
    be.read(rowAdv),
    opt.gradNormSq(),
  ]);
  const gradNorm = Math.sqrt(normSq);
  let lossSum = 0;
  let klSum = 0;
  let entSum = 0;
  for (let i = 0; i < n; i++) {
    if (pr.weight[i] === 0) continue;
    lossSum += lossH[i];
    klSum += klH[i] / active;
    entSum += entH[i] / active;
  }
  const applied = Number.isFinite(lossSum) && Number.isFinite(gradNorm);
  // nothing to train (every group flat and dropped): Adam's momentum must not move the weights
  if (applied && active > 0) opt.update(model.grads!, lr);

  s.free();
  return {
    loss: lossSum,
    kl: klSum,
    entropy: entSum,
    gradNorm,
    applied,
    rowAdv: rowAdvH,
    T,
    tokAdv: advH,
    tokLogp: lpH,
    tokEntropy: entH,
    forwardTokens: g.forwardTokens,
    active,
  };
}

/** Copies per-row [rows * t] arrays of a minibatch into the full batch's [B * T] at row offset r0. */
function place(dst: Float32Array, T: number, src: Float32Array, t: number, r0: number, rows: number): void {
  for (let i = 0; i < rows; i++) dst.set(src.subarray(i * t, i * t + Math.min(t, T)), (r0 + i) * T);
}

export async function policyUpdate(
  model: TinyVLM,
  opt: AdamW,
  ref: TinyVLM | null,
  batch: TrainBatch,
  cfg: UpdateCfg,
  lr: number,
): Promise<UpdateResult> {
  const b = cfg.dropFlatGroups ? { ...batch, seg: dropFlat(batch) } : batch;
  const M = Math.max(1, Math.min(cfg.miniBatches, b.prompts));
  const E = Math.max(1, cfg.ppoEpochs);
  if (M === 1 && E === 1) {
    const u = await updateOnce(model, opt, ref, b, cfg, lr, null);
    return { ...u, updates: u.applied && u.active > 0 ? 1 : 0 };
  }
  const bounds = Array.from({ length: M + 1 }, (_, m) => Math.round((m * b.prompts) / M));
  const mbs = bounds.slice(0, M).map((g0, m) => groupSlice(b, g0, bounds[m + 1]));
  // the sampling policy's log-probs, before any update
  const old: Float32Array[] = [];
  for (const mb of mbs) old.push(await currentLogProbs(model, mb));
  const B = b.rows.length;
  const T = maxLen(b.rows);
  const out: UpdateResult = {
    loss: 0,
    kl: 0,
    entropy: 0,
    gradNorm: 0,
    applied: true,
    updates: 0,
    rowAdv: new Float32Array(2 * B),
    T,
    tokAdv: new Float32Array(B * T),
    tokLogp: new Float32Array(B * T),
    tokEntropy: new Float32Array(B * T),
    forwardTokens: 0,
  };
  for (let e = 0; e < E; e++) {
    for (let m = 0; m < M; m++) {
      const u = await updateOnce(model, opt, ref, mbs[m], cfg, lr, old[m]);
      out.forwardTokens += u.forwardTokens + (e === 0 ? u.T * mbs[m].rows.length : 0);
      if (!u.applied) return { ...out, loss: u.loss, gradNorm: u.gradNorm, applied: false };
      if (u.active > 0) out.updates++;
      if (e === 0) {
        // the first pass describes the rollout as sampled: its advantages, the sampling policy's log-probs, the loss
        const r0 = bounds[m] * b.perPrompt;
        const rows = mbs[m].rows.length;
        out.rowAdv.set(u.rowAdv, 2 * r0);
        place(out.tokAdv, T, u.tokAdv, u.T, r0, rows);
        place(out.tokLogp, T, old[m], u.T, r0, rows);
        place(out.tokEntropy, T, u.tokEntropy, u.T, r0, rows);
        out.loss += u.loss / M;
        out.kl += u.kl / M;
        out.entropy += u.entropy / M;
        out.gradNorm = Math.max(out.gradNorm, u.gradNorm);
      }
    }
  }
  return out;
}
