import type { AdvantageParams, MIScoreParams, PolicyLossParams } from '../../backend/backend';
import { grid1D, type GpuContext } from '../context';
import { f32, u32 } from '../uniforms';
import advCode from './advantage.wgsl?raw';
import miCode from './mi_score.wgsl?raw';
import lossCode from './policy_loss.wgsl?raw';
import topkCode from './topk.wgsl?raw';

const MI = { name: 'mi_score', code: miCode };
const TOPK = { name: 'topk', code: topkCode };
const ADVANTAGE = { name: 'advantage', code: advCode };
const POLICY_LOSS = { name: 'policy_loss', code: lossCode };

export function dispatchMiScore(ctx: GpuContext, mi: GPUBuffer, dep: GPUBuffer, logits: GPUBuffer, ids: GPUBuffer,
  descStart: GPUBuffer, descLen: GPUBuffer, B: number, T: number, V: number, K: number, p: MIScoreParams, real: GPUBuffer | null): void {
  if (K < 1 || K > 16) throw new Error(`miScore: K = ${K} alternatives, must be 1..16`);
  ctx.dispatch(MI, [u32(B), u32(T), u32(V), u32(K), u32(p.sum ? 1 : 0), f32(Math.max(0, p.clip)), u32(real ? 1 : 0)],
    [logits, ids, descStart, descLen, mi, dep, real ?? ctx.emptyBuffer], [Math.ceil(B / 64), 1, 1]);
}

export function dispatchTopK(ctx: GpuContext, keep: GPUBuffer, scores: GPUBuffer, G: number, N: number, k: number): void {
  ctx.dispatch(TOPK, [u32(G), u32(N), u32(k)], [scores, keep], [Math.ceil((G * N) / 64), 1, 1]);
}

export function dispatchAdvantages(ctx: GpuContext, advTok: GPUBuffer, rowAdv: GPUBuffer, rPerc: GPUBuffer, rAns: GPUBuffer,
  keep: GPUBuffer, seg: GPUBuffer, G: number, N: number, T: number, p: AdvantageParams): void {
  ctx.dispatch(ADVANTAGE, [u32(G), u32(N), u32(T), u32(p.normalize === 'std' ? 1 : 0), f32(p.eps), f32(p.wPerc), f32(p.wAns)],
    [rPerc, rAns, keep, seg, advTok, rowAdv], grid1D(G * N * T, 64));
}

export function dispatchPolicyLoss(ctx: GpuContext, loss: GPUBuffer, kl: GPUBuffer, dlp: GPUBuffer, lpNew: GPUBuffer, lpOld: GPUBuffer,
  lpRef: GPUBuffer, adv: GPUBuffer, weight: GPUBuffer, n: number, p: PolicyLossParams): void {
  ctx.dispatch(POLICY_LOSS, [u32(n), f32(p.clipLow), f32(p.clipHigh), f32(p.beta)], [lpNew, lpOld, lpRef, adv, weight, loss, kl, dlp], grid1D(n, 256));
}
