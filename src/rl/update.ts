// The policy update shared by every algorithm, given the rollout's batch (batch.ts) with its per-token advantages
// (see advantages.ts): per-token log-probs of the current policy, the clipped surrogate with optional
// KL (one kernel), backward through TinyVLM, AdamW. A rollout can be split into minibatches (whole
// prompt groups) and passed over several times; the log-probs of the sampling policy are then taken
// before the first update, so the clipped ratio does its job. A non-finite loss or gradient norm
// leaves the weights untouched.

import { IGNORE_INDEX, TensorScope, type Tensor } from '../backend/backend';
import { maxLen, nextTokenTargets, uploadBatch } from '../model/inputs';
import type { AdamW } from '../model/optimizer';
import type { TinyVLM } from '../model/tinyvlm';
import type { RLConfig } from './config';
import { groupSlice, withAux, type TrainBatch } from './batch';

export interface UpdateResult {
  loss: number;
  kl: number;
  entropy: number;
  gradNorm: number;
  applied: boolean;
  /** Optimiser steps taken (minibatches x epochs, less any skipped for having no trainable token). */
  updates: number;
  T: number;
  /** [B * T], position t scoring token t + 1: the sampling policy's log-probs (before any update); entropy of the first pass. */
  tokLogp: Float32Array;
  tokEntropy: Float32Array;
  forwardTokens: number;
}

type UpdateCfg = Pick<RLConfig, 'lossAgg' | 'clipLow' | 'clipHigh' | 'beta' | 'ppoEpochs' | 'miniBatches'> & {
  /** Run the reference pass for the KL metric even at beta = 0 (where it does not enter the loss). */
  measureKL?: boolean;
};

interface Prepared {
  B: number;
  T: number;
  targets: Uint32Array;
  adv: Float32Array;
  weight: Float32Array;
  active: number;
}

/** Per-row, per-generated-token values laid out as [B * T], position t scoring token t + 1. */
function perPosition<A extends Float32Array | Uint32Array>(b: TrainBatch, T: number, out: A, v: number[][]): A {
  b.rows.forEach((r, i) =>
    v[i].forEach((x, j) => {
      const t = r.prefixLen + j - 1;
      if (t >= 0 && t < T) out[i * T + t] = x;
    }),
  );
  return out;
}

/** The batch as the loss reads it: targets, advantages, and each token's weight in the loss aggregate. */
function prepare(b: TrainBatch, cfg: UpdateCfg): Prepared {
  const B = b.rows.length;
  const T = maxLen(b.rows);
  const n = B * T;
  const targets = nextTokenTargets(b.rows, T);
  const mask = perPosition(b, T, new Uint32Array(n), b.mask);
  const weight = new Float32Array(n);
  const active = mask.reduce((a, m) => a + m, 0);
  const activeRows = b.rows.filter((_, i) => mask.subarray(i * T, (i + 1) * T).some((m) => m === 1)).length;
  for (let i = 0; i < B; i++) {
    const cnt = mask.subarray(i * T, (i + 1) * T).reduce((a, m) => a + m, 0);
    for (let t = 0; t < T; t++) {
      if (mask[i * T + t] === 0 || targets[i * T + t] === IGNORE_INDEX) continue;
      weight[i * T + t] = cfg.lossAgg === 'token' ? 1 / active : 1 / (cnt * activeRows);
    }
  }
  return { B, T, targets, adv: perPosition(b, T, new Float32Array(n), b.adv), weight, active };
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
  be.logSoftmaxGather({ out: lp, lse, logits: model.forward(enc, dec), ids: targets, N: n, V: c.vocabSize });
  const out = await be.read(lp);
  s.free();
  return out;
}

interface OneUpdate extends Omit<UpdateResult, 'updates' | 'tokLogp' | 'tokEntropy'> {
  tokLogp: Float32Array;
  tokEntropy: Float32Array;
  active: number;
}

/** Tensors of one update, uploaded into (and freed with) one scope. */
type Upload = <A extends Float32Array | Uint32Array>(d: A) => Tensor;

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
  be.logSoftmaxGather({ out: lpNew, lse, logits, ids: t.targets, N: n, V });
  const lpOld = lpOldHost ? t.up(lpOldHost) : t.zeros(n);
  if (!lpOldHost) be.copy(lpOld, lpNew);
  be.entropy({ out: ent, logits, N: n, V });
  let lpRef = lpOld;
  let forwardTokens = n;
  if (ref && (cfg.beta > 0 || cfg.measureKL)) {
    lpRef = t.zeros(n);
    be.logSoftmaxGather({ out: lpRef, lse: t.zeros(n), logits: ref.forward(enc, dec), ids: t.targets, N: n, V });
    forwardTokens += n;
  }
  const loss = t.zeros(n);
  const kl = t.zeros(n);
  const dlp = t.zeros(n);
  be.policyLoss({
    loss,
    kl,
    dlp,
    lpNew,
    lpOld,
    lpRef,
    adv: t.advTok,
    weight: t.weight,
    n,
    p: { clipLow: cfg.clipLow, clipHigh: cfg.clipHigh, beta: cfg.beta },
  });
  model.zeroGrads();
  be.fill(model.dlogits, 0);
  be.logSoftmaxGatherBackward({ dlogits: model.dlogits, dout: dlp, logits, lse, ids: t.targets, N: n, V });
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
  const weight = up(pr.weight);
  const advTok = up(pr.adv);
  const g = lossAndGradients(model, ref, b, cfg, lpOldHost, { s, up, zeros, targets, weight, advTok, T });
  opt.computeNorm(model.grads!);

  // one wait for all the readbacks instead of one per buffer
  const [lossH, klH, entH, lpH, normSq] = await Promise.all([
    be.read(g.loss),
    be.read(g.kl),
    be.read(g.ent),
    be.read(g.lpNew),
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
    T,
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
  const b = withAux(batch);
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
    T,
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
