import type { GpuContext } from '../context';
import { defineKernel, IN, IN_U32, OUT } from '../kernel';
import advBody from './advantage.wgsl?raw';
import miBody from './mi_score.wgsl?raw';
import lossBody from './policy_loss.wgsl?raw';

export interface AdvantageParams {
  /** 'std': (R - mean) / (unbiased std + eps), as verl/TRL/EasyR1; 'none': R - mean (Dr.GRPO). */
  normalize: 'std' | 'none';
  eps: number;
  /** Segment weights. */
  wPerc: number;
  wAns: number;
}

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

export const ADVANTAGE = defineKernel({
  name: 'advantage',
  uniforms: { prompts: 'u32', perPrompt: 'u32', T: 'u32', normalize: 'u32', eps: 'f32', wPerc: 'f32', wAns: 'f32' },
  bindings: { rPerc: IN, rAns: IN, keep: IN_U32, seg: IN_U32, advTok: OUT, rowAdv: OUT },
  entryPoints: { main: { workgroupSize: 64 } },
  body: advBody,
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

export function dispatchAdvantages(
  ctx: GpuContext,
  advTok: GPUBuffer,
  rowAdv: GPUBuffer,
  rPerc: GPUBuffer,
  rAns: GPUBuffer,
  keep: GPUBuffer,
  seg: GPUBuffer,
  prompts: number,
  perPrompt: number,
  T: number,
  p: AdvantageParams,
): void {
  ctx.run(ADVANTAGE, 'main', {
    uniforms: {
      prompts,
      perPrompt,
      T,
      normalize: p.normalize === 'std' ? 1 : 0,
      eps: p.eps,
      wPerc: p.wPerc,
      wAns: p.wAns,
    },
    buffers: { rPerc, rAns, keep, seg, advTok, rowAdv },
    size: { threads: prompts * perPrompt * T },
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
