// The MI of hub-model descriptions on the GPU: onnxruntime-web writes the
// decoder's logits straight into a buffer of the playground's own WebGPU
// backend (one GPUDevice shared by both), the description positions of both
// passes are copied on the device into the layout mi_score.wgsl reads, and the
// kernel reduces them. Only B scores and B x T pointwise terms are read back.

import type { InferenceSession, Tensor as OrtTensorType } from 'onnxruntime-common';
import { Tensor as OrtWebTensor } from 'onnxruntime-web/webgpu';
import type { Tensor } from '../backend/backend';
import type { WebGpuBackend } from '../backend/webgpu/webgpuBackend';
import { GpuTensor } from '../backend/webgpu/webgpuBackend';
import type { DescriptionMI, PromptInputs } from './describe';
import type { LoadedHubModel } from './load';
import type { Removal } from './settings';

/**
 * onnxruntime-web's own Tensor class: its bundle carries its own copy of
 * onnxruntime-common, and `run` recognises preallocated outputs by instanceof
 * against that copy (a Tensor of the package onnxruntime-common would be taken
 * for run options, and the logits would come back to the CPU).
 */
const OrtTensor = OrtWebTensor as unknown as typeof OrtTensorType;

type Sessions = Record<'embed_tokens' | 'vision_encoder' | 'decoder_model_merged', InferenceSession>;

function sessionsOf(hm: LoadedHubModel): Sessions {
  const s = (hm.model as unknown as { sessions?: Partial<Sessions> }).sessions;
  if (!s?.embed_tokens || !s.decoder_model_merged || !s.vision_encoder)
    throw new Error('the model lacks an embed_tokens, vision_encoder or decoder_model_merged session');
  return s as Sessions;
}

const i64 = (data: number[], dims: number[]): OrtTensorType =>
  new OrtTensor('int64', BigInt64Array.from(data.map(BigInt)), dims);

type Meta = { name: string; shape?: (number | string)[]; type?: string };
const metaOf = (s: InferenceSession, which: 'inputMetadata' | 'outputMetadata'): Meta[] =>
  (s as unknown as Record<string, Meta[] | undefined>)[which] ?? [];

/** float32 or float16: an fp16 export takes and gives halves (the embeddings, the cache, the logits). */
function floatType(
  s: InferenceSession,
  which: 'inputMetadata' | 'outputMetadata',
  name: string,
): 'float32' | 'float16' {
  return metaOf(s, which).find((m) => m.name === name)?.type === 'float16' ? 'float16' : 'float32';
}

/** The cache inputs with no past: [batch, heads, 0, head_dim] from the session's metadata, in its float type. */
function emptyPast(dec: InferenceSession, B: number): Record<string, OrtTensorType> {
  const out: Record<string, OrtTensorType> = {};
  for (const m of metaOf(dec, 'inputMetadata')) {
    if (!m.name.startsWith('past_key_values.')) continue;
    const dims = (m.shape ?? []).map((d, i) => (i === 0 ? B : typeof d === 'number' ? d : 0));
    out[m.name] =
      m.type === 'float16'
        ? new OrtTensor('float16', new Uint16Array(0), dims)
        : new OrtTensor('float32', new Float32Array(0), dims);
  }
  return out;
}

type FloatData = Float32Array | Uint16Array;

/**
 * One teacher-forced pass of prefix + description for every row, its logits
 * [B, L, V] written by onnxruntime into a tensor of our backend.
 */
async function passToGpu(
  hm: LoadedHubModel,
  be: WebGpuBackend,
  prefix: number[],
  image: PromptInputs['image'] | null,
  descs: number[][],
): Promise<{ logits: Tensor; L: number }> {
  const s = sessionsOf(hm);
  const B = descs.length;
  const rows = descs.map((d) => [...prefix, ...d]);
  const L = Math.max(...rows.map((r) => r.length));
  const ids = rows.flatMap((r) => [...r, ...Array<number>(L - r.length).fill(hm.padId)]);
  const mask = rows.flatMap((r) => Array.from({ length: L }, (_, j) => (j < r.length ? 1 : 0)));
  const emb = (await s.embed_tokens.run({ input_ids: i64(ids, [B, L]) })).inputs_embeds;
  // Kept in the type the sessions use (halves for an fp16 export): merged, then fed on as they are.
  const embType = emb.type === 'float16' ? 'float16' : 'float32';
  const raw = (await emb.getData()) as FloatData;
  const embeds: FloatData = raw instanceof Float32Array ? Float32Array.from(raw) : Uint16Array.from(raw);
  const D = emb.dims[2];
  emb.dispose();
  if (image) {
    // The image features replace the image tokens' embeddings, in order, in every row (as transformers.js merges them).
    const feeds: Record<string, OrtTensorType> = {};
    for (const name of s.vision_encoder.inputNames) {
      const t = image[name];
      if (!t) continue;
      feeds[name] = new OrtTensor(t.type as 'float32', t.data as Float32Array, t.dims);
    }
    const out = await s.vision_encoder.run(feeds);
    const feats = (await out[s.vision_encoder.outputNames[0]].getData()) as FloatData;
    if (feats instanceof Float32Array !== embeds instanceof Float32Array)
      throw new Error('the vision encoder and the embeddings differ in float type');
    for (const t of Object.values(out)) t.dispose();
    for (let b = 0; b < B; b++) {
      let k = 0;
      for (let j = 0; j < L; j++) {
        if (ids[b * L + j] !== hm.imageTokenId) continue;
        if ((k + 1) * D > feats.length) throw new Error('more image tokens in the prompt than image features');
        embeds.set(feats.subarray(k * D, (k + 1) * D) as never, (b * L + j) * D);
        k++;
      }
    }
  }
  const V = hm.vocabSize;
  const n = B * L * V;
  // fp16 logits land packed two per word and are widened on the device by halfToFloat.
  const half = floatType(s.decoder_model_merged, 'outputMetadata', 'logits') === 'float16';
  const target = half ? be.zeros([Math.ceil(n / 2)], 'u32') : be.zeros([n]);
  be.ctx.flush();
  const feeds: Record<string, OrtTensorType> = {
    inputs_embeds:
      embType === 'float16'
        ? new OrtTensor('float16', embeds as Uint16Array, [B, L, D])
        : new OrtTensor('float32', embeds as Float32Array, [B, L, D]),
    attention_mask: i64(mask, [B, L]),
    ...emptyPast(s.decoder_model_merged, B),
  };
  const names = s.decoder_model_merged.inputNames;
  if (names.includes('position_ids'))
    feeds.position_ids = i64(
      rows.flatMap((r) => Array.from({ length: L }, (_, j) => (j < r.length ? j : 1))),
      [B, L],
    );
  if (names.includes('num_logits_to_keep')) feeds.num_logits_to_keep = i64([0], []);
  const fetches = {
    logits: OrtTensor.fromGpuBuffer((target as GpuTensor).buffer, {
      dataType: half ? 'float16' : 'float32',
      dims: [B, L, V],
    }),
  };
  const out = await s.decoder_model_merged.run(feeds, fetches);
  for (const [k, t] of Object.entries(out)) if (k !== 'logits') t.dispose();
  if (!half) return { logits: target, L };
  const logits = be.zeros([n]);
  be.halfToFloat(logits, target, n);
  be.free(target);
  return { logits, L };
}

/**
 * Both passes for each chunk of descriptions, reduced by mi_score.wgsl (K = 1,
 * summed, no clip: mi = sum log p(real) - sum log p(removed); dep = the
 * pointwise terms).
 */
export async function scoreOnGpu(
  hm: LoadedHubModel,
  be: WebGpuBackend,
  p: PromptInputs,
  descs: number[][],
  removal: Removal,
  chunk = 4,
): Promise<DescriptionMI[]> {
  const out: DescriptionMI[] = [];
  const V = hm.vocabSize;
  for (let i = 0; i < descs.length; i += chunk) {
    const part = descs.slice(i, i + chunk);
    const B = part.length;
    const T = Math.max(1, ...part.map((d) => d.length));
    const real = await passToGpu(hm, be, p.ids, p.image, part);
    const removedIds = p.removedIds[removal];
    const removed = await passToGpu(hm, be, removedIds, null, part);
    // The logits that predict description token j sit one position before it.
    const both = be.zeros([2 * B * T * V]);
    part.forEach((d, b) => {
      if (d.length === 0) return;
      be.copy(both, real.logits, (0 * B + b) * T * V, (b * real.L + p.ids.length - 1) * V, d.length * V);
      be.copy(both, removed.logits, (1 * B + b) * T * V, (b * removed.L + removedIds.length - 1) * V, d.length * V);
    });
    const ids = be.fromArray(
      [B * T],
      Uint32Array.from({ length: B * T }, (_, k) => part[Math.floor(k / T)][k % T] ?? 0),
    );
    const start = be.fromArray([B], new Uint32Array(B));
    const len = be.fromArray(
      [B],
      Uint32Array.from(part, (d) => d.length),
    );
    const mi = be.zeros([B]);
    const dep = be.zeros([B * T]);
    be.miScore({
      mi,
      dep,
      logits: both,
      ids,
      descStart: start,
      descLen: len,
      B,
      T,
      V,
      K: 1,
      p: { sum: true, clip: 0 },
    });
    // One readback per chunk: the scores and the pointwise terms side by side.
    const out_ = be.zeros([B + B * T]);
    be.copy(out_, mi, 0);
    be.copy(out_, dep, B);
    const host = await be.read(out_);
    be.free(out_);
    const [miH, depH] = [host.subarray(0, B), host.subarray(B)];
    for (const t of [real.logits, removed.logits, both, ids, start, len, mi, dep]) be.free(t);
    part.forEach((d, b) => {
      const pmi = Array.from(depH.subarray(b * T, b * T + d.length));
      out.push({ lpReal: [], lpRemoved: [], pmi, miSum: miH[b], miMean: d.length ? miH[b] / d.length : 0 });
    });
  }
  return out;
}
