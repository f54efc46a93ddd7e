// The RL trainer: one step = rollout (per algorithm) -> shared policy update
// -> metrics and rollout records. Runs wherever its backend is (the worker, a
// benchmark page); everything random is a function of the config's seed.

import type { Backend } from '../backend/backend';
import type { Checkpoint } from '../model/checkpoint';
import { evaluate } from '../model/evaluate';
import { AdamW } from '../model/optimizer';
import { Params } from '../model/params';
import { TinyVLM } from '../model/tinyvlm';
import { tokenizer } from '../tasks/tokenizer';
import { mirlRollout } from './algorithms/mirl';
import { grpoRollout } from './algorithms/grpo';
import type { AlgoRollout } from './algorithms/types';
import { perceptionR1Rollout } from './algorithms/perceptionR1';
import { visionSr1Rollout } from './algorithms/visionSr1';
import { measuresKL, validateRL, type RLConfig } from './config';
import { auc, groupedAuc, mean, rewardBlindFraction, zeroStdFraction } from './metrics';
import { stepPrompts } from './rollout';
import type { PromptRecord, StepMetrics, StepReport } from './types';
import { policyUpdate, SEG_PERC } from './update';

/** The learning rate of a step: linear warm-up, then constant or cosine decay to 10% at the last step. */
export function learningRate(cfg: Pick<RLConfig, 'lr' | 'warmupSteps' | 'lrSchedule' | 'steps'>, step: number): number {
  if (step < cfg.warmupSteps) return (cfg.lr * (step + 1)) / cfg.warmupSteps;
  if (cfg.lrSchedule === 'constant') return cfg.lr;
  const span = Math.max(1, cfg.steps - cfg.warmupSteps);
  const t = Math.min(1, (step - cfg.warmupSteps) / span);
  return cfg.lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * t)));
}

export class RLTrainer {
  readonly model: TinyVLM;
  readonly ref: TinyVLM | null;
  /** The model whose two passes give the MI score: the policy, or the frozen warm start. */
  private readonly scorer: TinyVLM;
  readonly opt: AdamW;
  step = 0;
  /** Set when a step could not be applied (non-finite loss): the run stops there. */
  stoppedReason: string | null = null;

  /** `warmStart`: the frozen reference when the policy starts elsewhere (resumed from a snapshot); defaults to `ck`. */
  constructor(readonly be: Backend, readonly cfg: RLConfig, ck: Checkpoint, warmStart: Checkpoint = ck) {
    const errors = validateRL(cfg);
    if (Object.keys(errors).length) throw new Error(`invalid RL config: ${Object.entries(errors).map(([k, v]) => `${k} must be ${v}`).join('; ')}`);
    this.model = new TinyVLM(be, ck.config, new Params(ck.config, be, ck.tensors));
    // The frozen warm start: the KL reference (in the loss, or only measured) and, when chosen, the MI scorer.
    this.ref = cfg.beta > 0 || cfg.metricEvery > 0 || cfg.miScorer === 'warmstart' ? new TinyVLM(be, warmStart.config, new Params(warmStart.config, be, warmStart.tensors)) : null;
    this.scorer = cfg.miScorer === 'warmstart' && this.ref ? this.ref : this.model;
    this.opt = new AdamW(be, this.model.params, { lr: cfg.lr, beta1: 0.9, beta2: cfg.adamBeta2, eps: 1e-8, weightDecay: 0, maxGradNorm: 1 });
  }

  private rollout(step: number): Promise<AlgoRollout> {
    const prompts = stepPrompts(this.model, this.cfg, step);
    switch (this.cfg.algo) {
      case 'mirl':
        return mirlRollout(this.model, this.cfg, prompts, step, this.scorer);
      case 'grpo':
        return grpoRollout(this.model, this.cfg, prompts, step, this.scorer);
      case 'vision-sr1':
        return visionSr1Rollout(this.model, this.cfg, prompts, step, this.scorer);
      case 'perception-r1':
        return perceptionR1Rollout(this.model, this.cfg, prompts, step, this.scorer);
    }
  }

  /** One training step; after a non-finite loss the weights stay the last good ones and the run stops. */
  async trainStep(): Promise<StepReport> {
    if (this.stoppedReason) throw new Error(`run stopped: ${this.stoppedReason}`);
    const cfg = this.cfg, step = this.step;
    const t0 = performance.now();
    // the warm start's held-out figures: the first point of every held-out curve
    const heldoutStart = step === 0 && cfg.heldoutEvery > 0 && cfg.heldoutCount > 0 ? (await evaluate(this.model, cfg.heldoutSeed, cfg.heldoutCount)).overall : null;
    const tRollout = performance.now();
    const r = await this.rollout(step);
    const t1 = performance.now();
    const lr = learningRate(cfg, step);
    const klMeasured = measuresKL(cfg, step);
    const u = await policyUpdate(this.model, this.opt, this.ref, r.batch, { ...cfg, measureKL: klMeasured }, lr);
    const t2 = performance.now();
    const rows = r.batch.rows, N = r.batch.N;

    const descAdv = rows.map((row, i) => r.desc[i].map((_, j) => u.tokAdv[i * u.T + row.prefixLen - 1 + j]).filter((_, j) => r.batch.seg[i][j] === SEG_PERC || cfg.algo === 'grpo'));
    const right = r.labels.map((l) => l.perceptionRight);
    const miMeasured = r.depT > 0;
    const complete = r.labels.filter((l) => l.answerRight !== null);
    const metrics: StepMetrics = {
      step,
      answer_acc: mean(complete.map((l) => (l.answerRight ? 1 : 0))),
      perception_acc: mean(right.map((x) => (x ? 1 : 0))),
      desc_f1: mean(r.labels.map((l) => l.descF1)),
      mean_mi: miMeasured ? mean(r.mi) : null,
      mi_auc: miMeasured ? auc(r.mi, right) : null,
      mi_group_auc: miMeasured ? groupedAuc(r.mi, right, N) : null,
      reward_blind_frac: rewardBlindFraction(descAdv, right),
      lucky_guesses: r.labels.filter((l) => l.answerRight && !l.perceptionRight).length,
      generated_tokens: r.generatedTokens,
      forward_tokens: r.forwardTokens + u.forwardTokens,
      complete_trajectories: r.completeTrajectories,
      step_ms: t2 - t0,
      phase_ms: { ...r.phase, update: t2 - t1 },
      ...(heldoutStart ? { heldout_start: { answer_acc: heldoutStart.answer_acc, perception_acc: heldoutStart.desc_exact } } : {}),
      loss: u.loss,
      kl: klMeasured ? u.kl : null,
      entropy: u.entropy,
      grad_norm: u.gradNorm,
      lr,
      updates: u.updates,
      zero_std_frac: zeroStdFraction(r.batch.rAns, r.batch.keep.map((k) => k === 1), N),
    };
    if (!u.applied) {
      this.stoppedReason = `non-finite loss (${u.loss}) or gradient norm (${u.gradNorm}) at step ${step}; the update was not applied and the weights are those after step ${step - 1}`;
      metrics.error = this.stoppedReason;
    } else {
      this.step++;
    }
    if (cfg.heldoutEvery > 0 && cfg.heldoutCount > 0 && u.applied && (this.step % cfg.heldoutEvery === 0 || this.step === cfg.steps)) {
      const ev = await evaluate(this.model, cfg.heldoutSeed, cfg.heldoutCount);
      metrics.heldout_answer_acc = ev.overall.answer_acc;
      metrics.heldout_perception_acc = ev.overall.desc_exact;
    }

    const records: PromptRecord[] = [];
    for (let g = 0; g < Math.min(cfg.recordPrompts, r.problems.length); g++) {
      const p = r.problems[g];
      const trajectories = Array.from({ length: N }, (_, j) => {
        const i = g * N + j, row = rows[i], gen = row.ids.length - row.prefixLen;
        const at = (a: Float32Array, T: number) => Array.from({ length: gen }, (_, k) => a[i * T + row.prefixLen - 1 + k]);
        const l = r.labels[i];
        return {
          description: tokenizer.decodeWords(r.desc[i]),
          continuation: tokenizer.decodeWords(r.cont[i]),
          mi: miMeasured ? r.mi[i] : null,
          kept: r.batch.keep[i] === 1,
          rAns: l.answerRight === null ? null : r.batch.rAns[i],
          rPerc: r.batch.rPerc[i],
          advPerc: u.rowAdv[2 * i],
          advAns: u.rowAdv[2 * i + 1],
          perceptionRight: l.perceptionRight,
          answerRight: l.answerRight,
          descF1: l.descF1,
          tokAdv: at(u.tokAdv, u.T),
          tokLogp: at(u.tokLogp, u.T),
          tokEntropy: at(u.tokEntropy, u.T),
          tokDep: Array.from({ length: gen }, (_, k) => (miMeasured && k < r.desc[i].length ? r.dep[i * r.depT + row.prefixLen - 1 + k] : 0)),
        };
      });
      records.push({
        step, index: g, family: p.family, question: p.question, answer: p.answer, groundTruthDescription: p.description,
        taskSeed: p.seed, taskIndex: p.index, trajectories,
      });
    }
    const t3 = performance.now();
    metrics.step_ms = t3 - t0;
    metrics.phase_ms.metrics = t3 - t2 + (tRollout - t0);
    return { metrics, records };
  }

  free(): void {
    this.model.free();
    this.model.params.free();
    this.ref?.free();
    this.ref?.params.free();
    this.opt.free();
  }
}
