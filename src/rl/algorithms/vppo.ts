// VPPO: G complete trajectories per prompt trained on the answer reward, as GRPO, but
// each generated token's gradient depends on how much it leans on the image. Its visual
// dependency is the k3 divergence, on the sampled token, between the real image and one with
// half its patches blacked out: d = clamp(log p(perturbed) - log p(real), +-20),
// dependency = clamp(exp(d) - d - 1, 0, 10). Only the top fraction of each response's tokens
// by dependency get gradient, and each trajectory's advantage is scaled by its mean
// dependency, min-max normalised over the batch and mapped to mean 1 with floor `vppoFloor`.

import { maxLen } from '../../model/inputs';
import { completionLogProbs } from '../../model/score';
import { alternativePasses } from '../estimators';
import { SEG_ANS, type TrainBatch } from '../batch';
import { answerSegments, fullRollout, fullTrajectories } from './fullTrajectories';
import type { AlgoRollout, RolloutArgs } from './types';

/** The visual dependency of one sampled token from its log-probs with the real and the perturbed image. */
export function tokenDependency(lpReal: number, lpPerturbed: number): number {
  const d = Math.min(20, Math.max(-20, lpPerturbed - lpReal));
  return Math.min(10, Math.max(0, Math.exp(d) - d - 1));
}

/** Per response, 1 on its top ceil(frac x length) tokens by dependency (ties to the earlier token), 0 elsewhere. */
export function topDependencyMask(dep: readonly (readonly number[])[], frac: number): number[][] {
  return dep.map((d) => {
    const keep = Math.min(d.length, Math.ceil(frac * d.length - 1e-9));
    const order = d.map((_, j) => j).sort((a, b) => d[b] - d[a] || a - b);
    const mask = d.map(() => 0);
    for (const j of order.slice(0, keep)) mask[j] = 1;
    return mask;
  });
}

/**
 * Per trajectory, the factor on its advantage: its mean dependency s, min-max normalised over the
 * batch to u in [0, 1], mapped to floor + (1 - floor) u / mean(u), so that the factors average 1.
 * An all-equal batch gets 1 everywhere.
 */
export function dependencyScales(meanDep: readonly number[], floor: number): number[] {
  const lo = Math.min(...meanDep);
  const hi = Math.max(...meanDep);
  if (!(hi > lo)) return meanDep.map(() => 1);
  const u = meanDep.map((s) => (s - lo) / (hi - lo));
  const mu = u.reduce((a, x) => a + x, 0) / u.length;
  return u.map((x) => floor + ((1 - floor) * x) / mu);
}

/** The batch with VPPO's token mask and trajectory scaling applied to its advantages. */
export function vppoShape(b: TrainBatch, dep: readonly (readonly number[])[], frac: number, floor: number): TrainBatch {
  const top = topDependencyMask(dep, frac);
  const scale = dependencyScales(
    dep.map((d) => (d.length ? d.reduce((a, x) => a + x, 0) / d.length : 0)),
    floor,
  );
  const mask = b.mask.map((m, i) => m.map((x, j) => x * (top[i][j] ?? 0)));
  return {
    ...b,
    mask,
    adv: b.adv.map((a, i) => a.map((x, j) => (mask[i][j] ? Math.fround(x * scale[i]) : 0))),
    advAns: b.advAns.map((x, i) => Math.fround(x * scale[i])),
  };
}

export async function vppoRollout(args: RolloutArgs): Promise<AlgoRollout> {
  const { model, cfg, prompts, step } = args;
  const f = await fullTrajectories(args, { scoring: 'metric' });
  const t0 = performance.now();
  const c = model.config;
  const full = f.rows.map((r, i) => ({ ...r, ids: [...r.ids, ...f.sampled.tokens[i]] }));
  const images = [...prompts.images];
  const alt = alternativePasses(
    'patch',
    full,
    images,
    prompts.promptImages,
    full.map((_, i) => Math.floor(i / cfg.G)),
    { K: 1, size: c.imageSize, patch: c.patchSize, seed: cfg.seed, step },
  );
  // one teacher-forced pass over the rows with their real images and again with the patches blacked out
  const lp = await completionLogProbs(
    model,
    [...full, ...full.map((r, b) => ({ ...r, images: alt.passes[0][b] }))],
    images,
  );
  const dep = full.map((_, i) => Array.from(lp[i], (l, j) => tokenDependency(l, lp[full.length + i][j])));
  const t1 = performance.now();
  const r = fullRollout(f, prompts, cfg, {
    seg: answerSegments(f),
    descSegment: SEG_ANS,
    rPerc: f.rows.map(() => 0),
    extra: { generatedTokens: 0, forwardTokens: 2 * full.length * maxLen(full), fork: t1 - t0 },
  });
  return { ...r, batch: vppoShape(r.batch, dep, cfg.vppoTopFrac, cfg.vppoFloor), tokenDep: dep };
}
