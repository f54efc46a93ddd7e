// Browser checks of TinyVLM: CPU and WebGPU agree, training overfits, sampling
// is reproducible, checkpoints round-trip and bad ones are refused.

import type { Backend } from '../../src/backend/backend';
import { CpuBackend } from '../../src/backend/cpu/cpuBackend';
import { createWebGpuBackend, WebGpuBackend } from '../../src/backend/webgpu/webgpuBackend';
import { TINYVLM_CONFIG, type ModelConfig } from '../../src/model/config';
import { problemExample, type Example } from '../../src/model/examples';
import { collate } from '../../src/model/examples';
import { encodeCheckpoint, fetchCheckpoint } from '../../src/model/checkpoint';
import { generate } from '../../src/model/generate';
import { decoderArrays, freeDecoder, freeEncoder, maxLen, uploadDecoder, uploadImages } from '../../src/model/inputs';
import { AdamW } from '../../src/model/optimizer';
import { initParamData, Params } from '../../src/model/params';
import { sftStep } from '../../src/model/sft';
import { TinyVLM } from '../../src/model/tinyvlm';
import { generateProblem } from '../../src/tasks/problem';
import { compare } from './compare';

export const SMALL: ModelConfig = {
  ...TINYVLM_CONFIG,
  name: 'tiny-test',
  encDim: 16,
  encHeads: 2,
  dim: 24,
  heads: 2,
  layers: 2,
  encLayers: 1,
};

let gpu: WebGpuBackend | null = null;
async function gpuBackend(): Promise<WebGpuBackend> {
  if (!gpu) gpu = await createWebGpuBackend();
  return gpu;
}

function batch(seed: number, n: number, c: ModelConfig): Example[] {
  return Array.from({ length: n }, (_, i) =>
    problemExample(generateProblem(seed, i), c, { withTarget: true, nullImage: i === 1 }),
  );
}

async function logitsOn(be: Backend, c: ModelConfig, ex: Example[], seed: number): Promise<Float32Array> {
  const model = new TinyVLM(be, c, new Params(c, be, initParamData(c, seed)));
  const { rows, images } = collate(ex);
  const enc = uploadImages(be, images, c);
  const dec = uploadDecoder(be, decoderArrays(rows, maxLen(rows), c));
  const out = await be.read(model.forward(enc, dec));
  freeDecoder(be, dec);
  freeEncoder(be, enc);
  model.free();
  model.params.free();
  return out;
}

/** Logits, then gradients and updated weights after one step, CPU vs WebGPU. */
async function cpuVsGpu(seed: number): Promise<{ name: string; relErr: number; error: string | null }[]> {
  const c = SMALL;
  const ex = batch(seed, 3, c);
  const results: { name: string; relErr: number; error: string | null }[] = [];
  const g = await gpuBackend();
  const cpu = new CpuBackend();
  const lg = await logitsOn(g, c, ex, seed);
  const lc = await logitsOn(cpu, c, ex, seed);
  const r = compare(lg, lc, 1e-4);
  results.push({ name: 'logits', ...r });

  const LR = 1e-2;
  const after = async (be: Backend) => {
    const model = new TinyVLM(be, c, new Params(c, be, initParamData(c, seed)));
    const opt = new AdamW(be, model.params, {
      lr: LR,
      beta1: 0.9,
      beta2: 0.95,
      eps: 1e-8,
      weightDecay: 0.01,
      maxGradNorm: 1,
    });
    const step = await sftStep(model, opt, ex);
    const grads = new Map<string, Float32Array>();
    for (const [k, t] of model.grads!) grads.set(k, await be.read(t));
    const params = await model.params.toHost();
    model.free();
    opt.free();
    model.params.free();
    return { step, grads, params };
  };
  const ag = await after(g);
  const ac = await after(cpu);
  results.push({
    name: 'loss',
    relErr: Math.abs(ag.step.loss - ac.step.loss) / ac.step.loss,
    error:
      Math.abs(ag.step.loss - ac.step.loss) / ac.step.loss < 1e-4 ? null : `loss ${ag.step.loss} vs ${ac.step.loss}`,
  });
  for (const [k, v] of ac.grads) {
    const cmp = compare(ag.grads.get(k)!, v, 1e-4);
    results.push({ name: `grad ${k}`, ...cmp });
  }
  // Adam's first step moves a weight by about lr * g / (|g| + eps): where |g| is
  // within a few orders of eps (gradients that are zero in exact arithmetic, like
  // the key bias's, and tiny ones), each backend's rounding sets the step, so
  // there the two may differ by up to one step (2 lr); elsewhere the updated
  // weights must agree to 1e-3.
  for (const [k, v] of ac.params) {
    const got = ag.params.get(k)!;
    const grad = ac.grads.get(k)!;
    const firm = Array.from(v.keys()).filter((i) => Math.abs(grad[i]) >= 1e-6);
    const cmp = firm.length
      ? compare(
          Float32Array.from(firm, (i) => got[i]),
          Float32Array.from(firm, (i) => v[i]),
          1e-3,
        )
      : { relErr: 0, error: null };
    const loose = Array.from(v.keys()).find((i) => Math.abs(grad[i]) < 1e-6 && !(Math.abs(got[i] - v[i]) <= 2.02 * LR));
    results.push({
      name: `updated ${k}`,
      relErr: cmp.relErr,
      error:
        cmp.error ??
        (loose === undefined
          ? null
          : `weight ${loose} with |grad| < 1e-6 moved ${got[loose]} vs ${v[loose]}: more than one Adam step apart`),
    });
  }
  return results;
}

/** Losses of repeated steps on one fixed batch. */
async function overfit(steps: number, seed: number): Promise<number[]> {
  const be = await gpuBackend();
  const c = SMALL;
  const model = new TinyVLM(be, c, new Params(c, be, initParamData(c, seed)));
  const opt = new AdamW(be, model.params, {
    lr: 1e-2,
    beta1: 0.9,
    beta2: 0.95,
    eps: 1e-8,
    weightDecay: 0,
    maxGradNorm: 1,
  });
  const ex = batch(seed, 4, c);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push((await sftStep(model, opt, ex)).loss);
  model.free();
  opt.free();
  model.params.free();
  return losses;
}

/** Same seed twice, and continuing rows from a prefix of their own samples. */
async function sampling(
  seed: number,
): Promise<{ first: number[][]; second: number[][]; continued: number[][]; expected: number[][]; cut: number[] }> {
  const be = await gpuBackend();
  const c = SMALL;
  const model = new TinyVLM(be, c, new Params(c, be, initParamData(c, seed)));
  const ex = Array.from({ length: 5 }, (_, i) => problemExample(generateProblem(seed, i), c, { nullImage: i === 2 }));
  const { rows, images } = collate(ex);
  const rowIds = rows.map((_, i) => 100 + i);
  const opts = { maxNew: 24, stopToken: 10, temperature: 1, topP: 0.9, seed, stream: 3, step: 7, checkEvery: 5 };
  const first = (await generate(model, rows, images, rowIds, opts)).tokens;
  const second = (await generate(model, rows, images, rowIds, opts)).tokens;
  const cut = first.map((t, i) => Math.min(t.length - 1, 3 + 4 * i));
  const prefixed = rows.map((r, i) => ({ ...r, ids: [...r.ids, ...first[i].slice(0, cut[i])] }));
  const continued = (await generate(model, prefixed, images, rowIds, { ...opts, maxNew: 24 - Math.min(...cut) }))
    .tokens;
  const expected = first.map((t, i) => t.slice(cut[i]));
  model.free();
  model.params.free();
  return { first, second, continued: continued.map((t, i) => t.slice(0, expected[i].length)), expected, cut };
}

/** What loading says for a URL that is not there and for a truncated file. */
async function badCheckpoints(): Promise<string[]> {
  const msgs: string[] = [];
  try {
    await fetchCheckpoint('/models/no-such-model/model.safetensors');
  } catch (e) {
    msgs.push(`${(e as Error).name}: ${(e as Error).message}`);
  }
  const good = encodeCheckpoint(SMALL, initParamData(SMALL, 1));
  const url = URL.createObjectURL(new Blob([good.slice(0, good.length - 64) as BlobPart]));
  try {
    await fetchCheckpoint(url, undefined, SMALL);
  } catch (e) {
    msgs.push(`${(e as Error).name}: ${(e as Error).message}`);
  }
  const progress: number[] = [];
  const ok = await fetchCheckpoint(URL.createObjectURL(new Blob([good as BlobPart])), (n) => progress.push(n), SMALL);
  msgs.push(`loaded ${ok.tensors.size} tensors, progress reached ${progress[progress.length - 1]} of ${good.length}`);
  return msgs;
}

declare global {
  interface Window {
    modelHarness: Record<string, (...args: never[]) => Promise<unknown>>;
  }
}
window.modelHarness = { cpuVsGpu, overfit, sampling, badCheckpoints };
document.body.dataset.ready = 'true';
