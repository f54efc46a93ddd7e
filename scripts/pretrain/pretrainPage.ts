// Supervised warm start of TinyVLM, in the page on WebGPU. The Node side
// (scripts/pretrain.ts) exposes reportProgress and saveResume, and writes files.

import { createWebGpuBackend } from '../../src/backend/webgpu/webgpuBackend';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/model/checkpoint';
import { TINYVLM_CONFIG, type ModelConfig } from '../../src/model/config';
import { evaluate, type EvalReport } from '../../src/model/evaluate';
import { problemExample } from '../../src/model/examples';
import { AdamW, DEFAULT_ADAMW } from '../../src/model/optimizer';
import { initParamData, Params } from '../../src/model/params';
import { sftLearningRate, sftStep } from '../../src/model/sft';
import { TinyVLM } from '../../src/model/tinyvlm';
import { CounterRng, Streams } from '../../src/lib/rng';
import { generateProblem } from '../../src/tasks/problem';
import { DEFAULT_KNOBS, type SceneKnobs } from '../../src/tasks/scene';
import { base64ToBytes as fromBase64, bytesToBase64 as toBase64 } from '../../src/lib/base64url';

export interface PretrainOptions {
  config?: ModelConfig;
  seed: number;
  steps: number;
  batch: number;
  lr: number;
  warmup: number;
  imageDropout: number;
  evalEvery: number;
  evalCount: number;
  evalSeed: number;
  checkpointEvery: number;
  /** Stop once the validation set reaches both (the warm start is meant to be short of perfect). */
  stopAt: { answerAcc: number; descExact: number } | null;
  /** Minimum steps before stopping early. */
  minSteps: number;
  /** Curriculum: scenes start with at most startObjects objects, one more every stepsPerObject steps, up to the default. */
  curriculum: { startObjects: number; stepsPerObject: number } | null;
  resume: string | null;
}

export interface PretrainResult {
  weights: string;
  step: number;
  stoppedEarly: boolean;
  lastEval: EvalReport | null;
  history: { step: number; loss: number }[];
  params: number;
  config: ModelConfig;
}

declare global {
  interface Window {
    reportProgress(msg: string): Promise<void>;
    saveResume(b64: string, step: number): Promise<void>;
    pretrain: { run(o: PretrainOptions): Promise<PretrainResult> };
  }
}

export function knobsAt(step: number, o: PretrainOptions): SceneKnobs {
  if (!o.curriculum) return DEFAULT_KNOBS;
  const max = Math.min(
    DEFAULT_KNOBS.maxObjects,
    o.curriculum.startObjects + Math.floor(step / o.curriculum.stepsPerObject),
  );
  return { ...DEFAULT_KNOBS, maxObjects: max, minObjects: Math.min(DEFAULT_KNOBS.minObjects, max) };
}

const lrAt = (step: number, o: PretrainOptions): number => sftLearningRate(o.lr, o.warmup, o.steps, step);

async function run(o: PretrainOptions): Promise<PretrainResult> {
  const c = o.config ?? TINYVLM_CONFIG;
  const be = await createWebGpuBackend();
  let start = 0;
  let data = initParamData(c, o.seed);
  let resumed: Map<string, Float32Array> | null = null;
  if (o.resume) {
    const ck = decodeCheckpoint(fromBase64(o.resume), c);
    data = ck.tensors;
    resumed = ck.tensors;
    start = Number(ck.metadata.step);
    await window.reportProgress(`resumed at step ${start}`);
  }
  const params = new Params(c, be, data);
  const model = new TinyVLM(be, c, params);
  const opt = new AdamW(be, params, { ...DEFAULT_ADAMW, lr: o.lr });
  if (resumed) opt.restore(resumed, start);
  const nParams = params.specs.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
  await window.reportProgress(`TinyVLM ${c.name}: ${nParams} parameters, batch ${o.batch}, steps ${o.steps}`);

  const history: { step: number; loss: number }[] = [];
  let lastEval: EvalReport | null = null;
  let stoppedEarly = false;
  let t0 = performance.now();
  let tokens = 0;
  let step = start;
  for (; step < o.steps; step++) {
    const examples = Array.from({ length: o.batch }, (_, i) => {
      const p = generateProblem(o.seed, step * o.batch + i, { knobs: knobsAt(step, o) });
      const drop = new CounterRng(o.seed, Streams.dropout, step, i).next() < o.imageDropout;
      return problemExample(p, c, { withTarget: true, nullImage: drop });
    });
    const r = await sftStep(model, opt, examples, lrAt(step, o));
    if (!r.applied)
      await window.reportProgress(`step ${step}: non-finite loss ${r.loss} / grad norm ${r.gradNorm}; update skipped`);
    tokens += r.tokens;
    history.push({ step, loss: r.loss });
    if ((step + 1) % 10 === 0) {
      const dt = (performance.now() - t0) / 1000;
      await window.reportProgress(
        `step ${step + 1}/${o.steps} objects<=${knobsAt(step, o).maxObjects} loss ${r.loss.toFixed(4)} grad-norm ${r.gradNorm.toFixed(3)} lr ${lrAt(step, o).toExponential(2)} ${(tokens / dt).toFixed(0)} target tok/s ${(dt / 10).toFixed(2)} s/step`,
      );
      t0 = performance.now();
      tokens = 0;
    }
    if ((step + 1) % o.checkpointEvery === 0) {
      await window.saveResume(
        toBase64(
          encodeCheckpoint(c, new Map([...(await params.toHost()), ...(await opt.toHost())]), {
            step: String(step + 1),
          }),
        ),
        step + 1,
      );
    }
    if ((step + 1) % o.evalEvery === 0) {
      lastEval = await evaluate(model, o.evalSeed, o.evalCount);
      const ov = lastEval.overall;
      await window.reportProgress(
        `eval@${step + 1}: answer ${ov.answer_acc.toFixed(3)} desc-exact ${ov.desc_exact.toFixed(3)} f1 ${ov.desc_f1.toFixed(3)} format ${ov.format_ok.toFixed(3)} mi right ${ov.mi_right?.toFixed(3)} wrong ${ov.mi_wrong?.toFixed(3)}`,
      );
      if (
        o.stopAt &&
        step + 1 >= o.minSteps &&
        ov.answer_acc >= o.stopAt.answerAcc &&
        ov.desc_exact >= o.stopAt.descExact
      ) {
        stoppedEarly = true;
        step++;
        break;
      }
    }
  }
  const weights = toBase64(encodeCheckpoint(c, await params.toHost(), { step: String(step) }));
  return { weights, step, stoppedEarly, lastEval, history, params: nParams, config: c };
}

window.pretrain = { run };
document.body.dataset.ready = 'true';
