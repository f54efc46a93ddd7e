// The RL trainer: one step = rollout (per algorithm) -> shared policy update
// -> metrics and rollout records. Runs wherever its backend is (the worker, a
// benchmark page); everything random is a function of the config's seed.

import type { Backend } from '../backend/backend';
import type { Checkpoint } from '../model/checkpoint';
import { evaluate, type HeldoutFigures } from '../model/evaluate';
import { AdamW } from '../model/optimizer';
import { Params } from '../model/params';
import { TinyVLM } from '../model/tinyvlm';
import type { AlgoRollout } from './algorithms/types';
import { ROLLOUTS } from './algorithms/rollouts';
import { algorithmOf } from './algorithms/table';
import { configProblems } from './configValidation';
import type { RLConfig } from './config';
import { measuresKL } from './schedule';
import { stepMetrics } from './metrics';
import { promptRecords } from './records';
import { stepPrompts } from './rollout';
import type { StepReport } from './types';
import { policyUpdate } from './update';
import type { FamilyName } from '../tasks/families';

/** The learning rate of a step: linear warm-up, then constant or cosine decay to 10% at the last step. */
export function learningRate(cfg: Pick<RLConfig, 'lr' | 'warmupSteps' | 'lrSchedule' | 'steps'>, step: number): number {
  if (step < cfg.warmupSteps) return (cfg.lr * (step + 1)) / cfg.warmupSteps;
  if (cfg.lrSchedule === 'constant') return cfg.lr;
  const span = Math.max(1, cfg.steps - cfg.warmupSteps);
  const t = Math.min(1, (step - cfg.warmupSteps) / span);
  return cfg.lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/** The config's held-out evaluation of a model: k samples per problem at the rollout temperature and top-p, greedy beside them; on the default mix, or on these families. */
export async function heldoutOf(
  model: TinyVLM,
  cfg: Pick<RLConfig, 'heldoutSeed' | 'heldoutCount' | 'heldoutSamples' | 'temperature' | 'topP'>,
  families?: readonly FamilyName[],
  onProgress?: (done: number, total: number) => void,
): Promise<HeldoutFigures> {
  const ev = await evaluate(model, cfg.heldoutSeed, cfg.heldoutCount, {
    samples: cfg.heldoutSamples,
    temperature: cfg.temperature,
    topP: cfg.topP,
    mi: false,
    families,
    onProgress,
  });
  return ev.heldout;
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
  constructor(
    readonly be: Backend,
    readonly cfg: RLConfig,
    ck: Checkpoint,
    warmStart: Checkpoint = ck,
  ) {
    const problems = configProblems(cfg);
    if (problems) throw new Error(`invalid RL config: ${problems}`);
    this.model = new TinyVLM(be, ck.config, new Params(ck.config, be, ck.tensors));
    // The frozen warm start: the KL reference (in the loss, or only measured), when chosen the MI scorer, RACRO's reasoner.
    this.ref =
      cfg.beta > 0 || cfg.metricEvery > 0 || cfg.miScorer === 'warmstart' || algorithmOf(cfg).warmStart
        ? new TinyVLM(be, warmStart.config, new Params(warmStart.config, be, warmStart.tensors))
        : null;
    this.scorer = cfg.miScorer === 'warmstart' && this.ref ? this.ref : this.model;
    this.opt = new AdamW(be, this.model.params, {
      lr: cfg.lr,
      beta1: 0.9,
      beta2: cfg.adamBeta2,
      eps: 1e-8,
      weightDecay: 0,
      maxGradNorm: 1,
    });
  }

  private rollout(step: number): Promise<AlgoRollout> {
    const prompts = stepPrompts(this.model, this.cfg, step);
    const { model, cfg, scorer, ref } = this;
    return ROLLOUTS[cfg.algo]({ model, cfg, prompts, step, scorer, warmStart: ref });
  }

  /** Told what the step is doing as it goes (the page's status line), with how many samples of the phase are done where it counts them; no effect on the run. */
  onPhase?: (phase: string, progress?: { done: number; total: number }) => void;

  /** The held-out evaluation, its progress told as `phase`. */
  private heldout(phase: string): Promise<HeldoutFigures> {
    return heldoutOf(this.model, this.cfg, undefined, (done, total) => this.onPhase?.(phase, { done, total }));
  }

  /** One training step, llm.c style: rollout -> update -> metrics -> records. After a non-finite loss the weights stay the last good ones and the run stops. */
  async trainStep(): Promise<StepReport> {
    if (this.stoppedReason) throw new Error(`run stopped: ${this.stoppedReason}`);
    const cfg = this.cfg;
    const step = this.step;
    const t0 = performance.now();
    // the warm start's held-out figures: the first point of every held-out curve
    this.onPhase?.(
      step === 0 && cfg.heldoutEvery > 0 && cfg.heldoutCount > 0
        ? 'held-out: scoring the warm start'
        : 'sampling and scoring rollouts',
    );
    const heldoutStart =
      step === 0 && cfg.heldoutEvery > 0 && cfg.heldoutCount > 0
        ? await this.heldout('held-out: scoring the warm start')
        : null;
    const tRollout = performance.now();

    if (heldoutStart) this.onPhase?.('sampling and scoring rollouts');
    // the rollout's sampling passes tell how many of their rows are done
    this.model.onSampled = (done, total) => this.onPhase?.('sampling and scoring rollouts', { done, total });
    let r: AlgoRollout;
    try {
      r = await this.rollout(step);
    } finally {
      this.model.onSampled = undefined;
    }
    this.onPhase?.('updating the policy');
    const t1 = performance.now();
    const lr = learningRate(cfg, step);
    const klMeasured = measuresKL(cfg, step);
    const u = await policyUpdate(this.model, this.opt, this.ref, r.batch, { ...cfg, measureKL: klMeasured }, lr);
    const t2 = performance.now();
    const metrics = stepMetrics(r, u, { step, lr, klMeasured, stepMs: t2 - t0, updateMs: t2 - t1, heldoutStart });

    if (!u.applied) {
      // steps are counted from 1 here, as the page shows them: step n is the n-th update
      this.stoppedReason = `non-finite loss (${u.loss}) or gradient norm (${u.gradNorm}) at step ${step + 1}; the update was not applied and the weights are those after step ${step}`;
      metrics.error = this.stoppedReason;
    } else {
      this.step++;
    }
    let heldoutEndMs = 0;
    if (
      cfg.heldoutEvery > 0 &&
      cfg.heldoutCount > 0 &&
      u.applied &&
      (this.step % cfg.heldoutEvery === 0 || this.step === cfg.steps)
    ) {
      this.onPhase?.('held-out evaluation');
      const h0 = performance.now();
      metrics.heldout = await this.heldout('held-out evaluation');
      heldoutEndMs = performance.now() - h0;
    }
    const records = promptRecords(r, u, step, cfg.recordPrompts);
    const t3 = performance.now();
    metrics.step_ms = t3 - t0;
    // the held-out evaluation apart from the step's own figures and records (#47): it runs every heldoutEvery steps
    metrics.phase_ms.metrics = t3 - t2 - heldoutEndMs;
    metrics.phase_ms.heldout = tRollout - t0 + heldoutEndMs;
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
