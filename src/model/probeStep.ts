// A small training step, timed: what the page's backend probe runs on each backend to pick the
// faster one. Both halves of an RL step are in it: sampling with the KV cache (many small
// dispatches and readbacks, where a GPU pays its overhead) and a forward, backward and AdamW
// update over whole sequences (where a CPU pays its arithmetic). Random weights: the time of a
// step does not depend on what the weights are, and the checkpoint need not be fetched first.

import type { Backend } from '../backend/backend';
import { generateProblem } from '../tasks/problem';
import { tokenizer } from '../tasks/tokenizer';
import { SPECIAL } from '../tasks/vocab';
import { TINYVLM_CONFIG } from './config';
import { collate, problemExample } from './examples';
import { generate } from './generate';
import { AdamW } from './optimizer';
import { initParamData, Params } from './params';
import { sftStep } from './sft';
import { TinyVLM } from './tinyvlm';

export interface ProbeShape {
  /** Rows sampled at once (prompts x samples). */
  rows: number;
  /** Tokens sampled per row (no early stop: a fixed amount of work). */
  newTokens: number;
  /** Rows of the update (prompt and ground-truth completion). */
  updateRows: number;
}

/** Small enough for a few hundred ms on two CPU cores, large enough that a GPU's fixed costs do not hide its speed. */
const PROBE_SHAPE: ProbeShape = { rows: 16, newTokens: 12, updateRows: 8 };

export interface ProbeTiming {
  /** The first pass: buffers, and on WebGPU its pipelines compiled. */
  firstMs: number;
  /** The best of the timed passes after it: what every later step costs. */
  ms: number;
}

/** Runs the step `reps` times after a first untimed pass; the model and optimiser are freed after. */
export async function timeProbeStep(be: Backend, reps = 2, shape: ProbeShape = PROBE_SHAPE): Promise<ProbeTiming> {
  const c = TINYVLM_CONFIG;
  const params = new Params(c, be, initParamData(c, 1));
  const model = new TinyVLM(be, c, params);
  const opt = new AdamW(be, params);
  // a stop token that never comes first would be ideal; the end of the answer is the latest one
  const stopToken = tokenizer.id(SPECIAL.ansEnd);
  const problems = Array.from({ length: Math.max(shape.rows, shape.updateRows) }, (_, i) => generateProblem(1, i));
  const prompts = collate(problems.slice(0, shape.rows).map((p) => problemExample(p, c)));
  const targets = problems.slice(0, shape.updateRows).map((p) => problemExample(p, c, { withTarget: true }));
  const once = async () => {
    await generate(
      model,
      prompts.rows,
      prompts.images,
      prompts.rows.map((_, i) => i),
      { maxNew: shape.newTokens, stopToken, temperature: 1, topP: 1, seed: 1, stream: 0, step: 0, checkEvery: 4 },
    );
    await sftStep(model, opt, targets, 1e-6);
  };
  try {
    let t = performance.now();
    await once();
    const firstMs = performance.now() - t;
    let ms = Infinity;
    for (let i = 0; i < reps; i++) {
      t = performance.now();
      await once();
      ms = Math.min(ms, performance.now() - t);
    }
    return { firstMs, ms };
  } finally {
    model.free();
    opt.free();
  }
}
