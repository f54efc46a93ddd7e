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
