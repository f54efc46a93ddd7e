import type { GpuContext } from '../context';
import { defineKernel, IN, IN_U32, OUT } from '../kernel';
import miBody from './mi_score.wgsl?raw';
import lossBody from './policy_loss.wgsl?raw';

/** How the MI score aggregates a description's tokens. */
export interface MIScoreParams {
  /** Sum over the description's tokens instead of the per-token mean. */
  sum: boolean;
  /** > 0: clamp each pointwise term to [-clip, clip] before aggregating; 0: no clip. */
  clip: number;
}

export interface PolicyLossParams {
  clipLow: number;
  clipHigh: number;
  /** KL coefficient (k3 estimator against the reference log-probs); 0 disables. */
  beta: number;
}

export const MI_SCORE = defineKernel({
  name: 'mi_score',
  uniforms: { B: 'u32', T: 'u32', V: 'u32', K: 'u32', sum: 'u32', clip: 'f32', hasReal: 'u32' },
  bindings: { logits: IN, ids: IN_U32, descStart: IN_U32, descLen: IN_U32, mi: OUT, dep: OUT, real: IN },
  entryPoints: { main: { workgroupSize: 64 } },
  body: miBody,
});

export const POLICY_LOSS = defineKernel({
  name: 'policy_loss',
  uniforms: { n: 'u32', clipLow: 'f32', clipHigh: 'f32', beta: 'f32' },
  bindings: { lpNew: IN, lpOld: IN, lpRef: IN, adv: IN, weight: IN, loss: OUT, kl: OUT, dlp: OUT },
  entryPoints: { main: { workgroupSize: 256 } },
  body: lossBody,
});

export function dispatchMiScore(
  ctx: GpuContext,
  mi: GPUBuffer,
  dep: GPUBuffer,
  logits: GPUBuffer,
  ids: GPUBuffer,
  descStart: GPUBuffer,
  descLen: GPUBuffer,
  B: number,
  T: number,
  V: number,
  K: number,
  p: MIScoreParams,
  real: GPUBuffer | null,
): void {
  if (K < 1 || K > 16) throw new Error(`miScore: K = ${K} alternatives, must be 1..16`);
  ctx.run(MI_SCORE, 'main', {
    uniforms: { B, T, V, K, sum: p.sum ? 1 : 0, clip: Math.max(0, p.clip), hasReal: real ? 1 : 0 },
    buffers: { logits, ids, descStart, descLen, mi, dep, ...(real ? { real } : {}) },
    size: { threads: B },
  });
}

export function dispatchPolicyLoss(
  ctx: GpuContext,
  loss: GPUBuffer,
  kl: GPUBuffer,
  dlp: GPUBuffer,
  lpNew: GPUBuffer,
  lpOld: GPUBuffer,
  lpRef: GPUBuffer,
  adv: GPUBuffer,
  weight: GPUBuffer,
  n: number,
  p: PolicyLossParams,
): void {
  ctx.run(POLICY_LOSS, 'main', {
    uniforms: { n, clipLow: p.clipLow, clipHigh: p.clipHigh, beta: p.beta },
    buffers: { lpNew, lpOld, lpRef, adv, weight, loss, kl, dlp },
    size: { threads: n },
  });
}
