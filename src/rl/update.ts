// The policy update shared by every algorithm: decoupled advantages (one
// kernel), per-token log-probs of the current policy, the clipped surrogate
// with optional KL (one kernel), backward through TinyVLM, AdamW. A
// non-finite loss or gradient norm leaves the weights untouched.

import { IGNORE_INDEX } from '../backend/backend';
import { decoderArrays, freeDecoder, freeEncoder, maxLen, nextTokenTargets, uploadDecoder, uploadImages, type SeqRow } from '../model/inputs';
import type { AdamW } from '../model/optimizer';
import type { TinyVLM } from '../model/tinyvlm';
import type { RLConfig } from './config';

export const SEG_NONE = 0;
export const SEG_PERC = 1;
export const SEG_ANS = 2;

export interface TrainBatch {
  /** Groups (prompts) and rows per group; rows are group-major. */
  G: number;
  N: number;
  rows: SeqRow[];
  images: Float32Array[];
  /** Per row, the segment of each token after the prefix. */
  seg: number[][];
  rPerc: number[];
  rAns: number[];
  keep: number[];
}

export interface UpdateResult {
  loss: number;
  kl: number;
  entropy: number;
  gradNorm: number;
  applied: boolean;
  /** [2B]: A_perc, A_ans per row. */
  rowAdv: Float32Array;
  T: number;
  /** [B * T], position t scoring token t + 1. */
  tokAdv: Float32Array;
  tokLogp: Float32Array;
  tokEntropy: Float32Array;
  forwardTokens: number;
}

export async function policyUpdate(model: TinyVLM, opt: AdamW, ref: TinyVLM | null, b: TrainBatch, cfg: RLConfig): Promise<UpdateResult> {
  const be = model.be, c = model.config, V = c.vocabSize;
  const B = b.rows.length, T = maxLen(b.rows), n = B * T;
  const targetsHost = nextTokenTargets(b.rows, T);
  const segHost = new Uint32Array(n);
  b.rows.forEach((r, i) => b.seg[i].forEach((s, j) => {
    const t = r.prefixLen + j - 1;
    if (t >= 0 && t < T) segHost[i * T + t] = s;
  }));
  const weightHost = new Float32Array(n);
  const active = segHost.reduce((a, s) => a + (s !== SEG_NONE ? 1 : 0), 0);
  const activeRows = b.rows.filter((_, i) => segHost.subarray(i * T, (i + 1) * T).some((s) => s !== SEG_NONE)).length;
  for (let i = 0; i < B; i++) {
    const cnt = segHost.subarray(i * T, (i + 1) * T).reduce((a, s) => a + (s !== SEG_NONE ? 1 : 0), 0);
    for (let t = 0; t < T; t++) {
      if (segHost[i * T + t] === SEG_NONE || targetsHost[i * T + t] === IGNORE_INDEX) continue;
      weightHost[i * T + t] = cfg.lossAgg === 'token' ? 1 / active : 1 / (cnt * activeRows);
    }
  }

  const up = <T extends Float32Array | Uint32Array>(d: T) => be.fromArray([d.length], d);
  const targets = up(targetsHost), seg = up(segHost), weight = up(weightHost);
  const rPerc = up(Float32Array.from(b.rPerc)), rAns = up(Float32Array.from(b.rAns)), keep = up(Uint32Array.from(b.keep));
  const advTok = be.zeros([n]), rowAdv = be.zeros([2 * B]);
  be.advantages(advTok, rowAdv, rPerc, rAns, keep, seg, b.G, b.N, T, { normalize: cfg.advNormalize, eps: 1e-6, wPerc: cfg.wPerc, wAns: cfg.wAns });

  const enc = uploadImages(be, b.images, c);
  const dec = uploadDecoder(be, decoderArrays(b.rows, T, c));
  const lpNew = be.zeros([n]), lpOld = be.zeros([n]), lse = be.zeros([n]), ent = be.zeros([n]);
  const logits = model.forward(enc, dec);
  be.logSoftmaxGather(lpNew, lse, logits, targets, n, V);
  be.copy(lpOld, lpNew); // one update per rollout: the sampling policy is the current one
  be.entropy(ent, logits, n, V);
  let lpRef = lpOld;
  let forwardTokens = n;
  if (ref && cfg.beta > 0) {
    lpRef = be.zeros([n]);
    const lseRef = be.zeros([n]);
    be.logSoftmaxGather(lpRef, lseRef, ref.forward(enc, dec), targets, n, V);
    be.free(lseRef);
    forwardTokens += n;
  }
  const loss = be.zeros([n]), kl = be.zeros([n]), dlp = be.zeros([n]);
  be.policyLoss(loss, kl, dlp, lpNew, lpOld, lpRef, advTok, weight, n, { clipLow: cfg.clipLow, clipHigh: cfg.clipHigh, beta: cfg.beta });
  model.zeroGrads();
  be.fill(model.dlogits, 0);
  be.logSoftmaxGatherBackward(model.dlogits, dlp, logits, lse, targets, n, V);
  model.backward();
  opt.computeNorm(model.grads!);

  // one wait for all the readbacks instead of one per buffer
  const [lossH, klH, entH, lpH, advH, rowAdvH, normSq] = await Promise.all([
    be.read(loss), be.read(kl), be.read(ent), be.read(lpNew), be.read(advTok), be.read(rowAdv), opt.gradNormSq(),
  ]);
  const gradNorm = Math.sqrt(normSq);
  let lossSum = 0, klSum = 0, entSum = 0;
  for (let i = 0; i < n; i++) {
    if (weightHost[i] === 0) continue;
    lossSum += lossH[i];
    klSum += klH[i] / active;
    entSum += entH[i] / active;
  }
  const applied = Number.isFinite(lossSum) && Number.isFinite(gradNorm);
  if (applied) opt.update(model.grads!, cfg.lr);

  for (const t of [targets, seg, weight, rPerc, rAns, keep, advTok, rowAdv, lpNew, lpOld, lse, ent, loss, kl, dlp]) be.free(t);
  if (lpRef !== lpOld) be.free(lpRef);
  freeDecoder(be, dec);
  freeEncoder(be, enc);
  return { loss: lossSum, kl: klSum, entropy: entSum, gradNorm, applied, rowAdv: rowAdvH, T, tokAdv: advH, tokLogp: lpH, tokEntropy: entH, forwardTokens };
}
