// One Real VLM run: pre-sample N descriptions of the image, score each by MI
// (on the GPU through mi_score.wgsl where a WebGPU backend is given, checked
// against the CPU reference when asked; on the CPU otherwise), rank, keep the
// top k, and continue the kept ones into an answer when a question is set.

import { RawImage } from '@huggingface/transformers';
import type { WebGpuBackend } from '../backend/webgpu/webgpuBackend';
import {
  answer,
  decode,
  presample,
  promptInputs,
  rankOrder,
  scoreOnCpu,
  tokenTexts,
  type DescriptionMI,
} from './describe';
import { scoreOnGpu } from './gpuScore';
import { HubError, type LoadedHubModel } from './load';
import { imageSha256, type HubDescription, type HubResult } from './result';
import { MAX_IMAGE_PIXELS, type HubSettings } from './settings';

export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

/** RGBA pixels as the RawImage the processor takes (RGB), with the checks a bad image needs. */
export function toRawImage(img: RgbaImage): RawImage {
  const { width: w, height: h, rgba } = img;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1)
    throw new HubError('image', `the image has no pixels (${w} x ${h})`);
  if (w * h > MAX_IMAGE_PIXELS)
    throw new HubError(
      'image',
      `the image is too large: ${w} x ${h} pixels (at most ${MAX_IMAGE_PIXELS / 1024 / 1024} Mpx)`,
    );
  if (rgba.length !== w * h * 4)
    throw new HubError('image', `the image data has ${rgba.length} bytes for ${w} x ${h} RGBA pixels`);
  const rgb = new Uint8ClampedArray(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    rgb[i * 3] = rgba[i * 4];
    rgb[i * 3 + 1] = rgba[i * 4 + 1];
    rgb[i * 3 + 2] = rgba[i * 4 + 2];
  }
  return new RawImage(rgb, w, h, 3);
}

export type Stage = 'sampling' | 'scoring' | 'answering';

export async function runHub(
  hm: LoadedHubModel,
  model: string,
  img: RgbaImage,
  s: HubSettings,
  o: { be?: WebGpuBackend; cpuCheck?: boolean; onStage?: (st: Stage) => void },
): Promise<HubResult> {
  const raw = toRawImage(img);
  const p = await promptInputs(hm, raw, s.prompt);
  o.onStage?.('sampling');
  let t0 = performance.now();
  const samples = await presample(hm, p, s);
  const sampleMs = performance.now() - t0;
  const descs = samples.map((x) => x.ids);

  o.onStage?.('scoring');
  t0 = performance.now();
  const gpu = o.be ? await scoreOnGpu(hm, o.be, p, descs, s.removal) : null;
  let cpu = gpu ? null : await scoreOnCpu(hm, p, descs, s.removal);
  // The time of the scoring the result uses; the reference check is not in it.
  const scoreMs = performance.now() - t0;
  if (gpu && o.cpuCheck) cpu = await scoreOnCpu(hm, p, descs, s.removal);
  const scores: DescriptionMI[] = gpu ?? cpu!;
  const check =
    gpu && cpu
      ? {
          maxAbsDiffSum: Math.max(0, ...gpu.map((g, i) => Math.abs(g.miSum - cpu[i].miSum))),
          maxAbsDiffToken: Math.max(0, ...gpu.flatMap((g, i) => g.pmi.map((x, j) => Math.abs(x - cpu[i].pmi[j])))),
        }
      : null;

  const key = scores.map((x) => (s.miAgg === 'sum' ? x.miSum : x.miMean));
  const order = rankOrder(key);
  const kept = new Set(order.slice(0, Math.min(s.k, s.N)));
  const rank = new Map(order.map((i, r) => [i, r + 1]));

  const answers = new Map<number, string>();
  t0 = performance.now();
  if (s.question.trim()) {
    o.onStage?.('answering');
    for (const i of order.filter((j) => kept.has(j)))
      answers.set(i, await answer(hm, p, descs[i], s.question.trim(), s.answerTokens));
  }
  const answerMs = performance.now() - t0;

  const descriptions: HubDescription[] = samples.map((x, i) => ({
    index: i,
    rank: rank.get(i)!,
    kept: kept.has(i),
    text: decode(hm, x.ids),
    ids: x.ids,
    tokens: tokenTexts(hm, x.ids),
    pmi: scores[i].pmi,
    miSum: scores[i].miSum,
    miMean: scores[i].miMean,
    complete: x.complete,
    answer: answers.get(i) ?? null,
  }));
  const rgb = raw.data as Uint8ClampedArray;
  return {
    kind: 'mirl-hub-result',
    version: 1,
    model,
    dtype: hm.dtype,
    device: hm.device,
    miOn: gpu ? 'gpu' : 'cpu',
    settings: s,
    image: { sha256: await imageSha256(img.width, img.height, rgb), width: img.width, height: img.height },
    descriptions,
    timings: { sampleMs, scoreMs, answerMs },
    check,
  };
}
