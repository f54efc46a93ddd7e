// One supervised step: cross-entropy on the completion tokens, backward,
// global-norm clipping and AdamW. A non-finite loss or gradient norm skips the
// update and is reported, so the weights stay the last good ones.

import { IGNORE_INDEX, TensorScope, type Backend } from '../backend/backend';
import type { Example } from './examples';
import { collate } from './examples';
import { maxLen, nextTokenTargets, uploadBatch } from './inputs';
import type { AdamW } from './optimizer';
import type { TinyVLM } from './tinyvlm';

/** The supervised runs' learning rate: linear warm-up, then cosine decay to 10% of `lr` at `steps`. */
export function sftLearningRate(lr: number, warmup: number, steps: number, step: number): number {
  if (step < warmup) return (lr * (step + 1)) / warmup;
  const p = (step - warmup) / Math.max(1, steps - warmup);
  return lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, p))));
}

export interface SftStepResult {
  loss: number;
  gradNorm: number;
  tokens: number;
  applied: boolean;
}

export async function sftStep(
  model: TinyVLM,
  opt: AdamW,
  examples: readonly Example[],
  lr?: number,
): Promise<SftStepResult> {
  const be: Backend = model.be;
  const c = model.config;
  const { rows, images } = collate(examples);
  const T = maxLen(rows);
  const s = new TensorScope(be);
  const { enc, dec } = s.defer(uploadBatch(be, rows, images, T, c));
  const targetsHost = nextTokenTargets(rows, T);
  const count = targetsHost.reduce((n, t) => n + (t === IGNORE_INDEX ? 0 : 1), 0);
  const N = rows.length * T;
  const V = c.vocabSize;
  const targets = s.keep(be.fromArray([N], targetsHost));
  const dloss = s.keep(
    be.fromArray(
      [N],
      Float32Array.from(targetsHost, (t) => (t === IGNORE_INDEX ? 0 : 1 / count)),
    ),
  );
  const losses = s.keep(be.zeros([N]));
  const lse = s.keep(be.zeros([N]));
  const lossSum = s.keep(be.zeros([1]));

  const logits = model.forward(enc, dec);
  be.crossEntropy({ out: losses, lse, logits, ids: targets, N, V });
  be.reduce({ out: lossSum, x: losses, rows: 1, cols: N, op: 'sum' });
  model.zeroGrads();
  be.fill(model.dlogits, 0);
  be.crossEntropyBackward({ dlogits: model.dlogits, dout: dloss, logits, lse, ids: targets, N, V });
  model.backward();
  opt.computeNorm(model.grads!);
  const loss = (await be.read(lossSum))[0] / count;
  const gradNorm = Math.sqrt(await opt.gradNormSq());
  const applied = Number.isFinite(loss) && Number.isFinite(gradNorm);
  if (applied) opt.update(model.grads!, lr);
  s.free();
  return { loss, gradNorm, tokens: count, applied };
}
