// Runs in headless Chromium: times our kernels and, for matmul, the same
// product through onnxruntime-web's WebGPU backend on the same device, inputs
// and outputs kept on the GPU. Each timing is the median over repeats of
// (record + submit + wait for the queue), warm-up excluded, identical for both.

import * as ort from 'onnxruntime-web/webgpu';
import type { Backend, Tensor } from '../../src/backend/backend';
import { WebGpuBackend } from '../../src/backend/webgpu/webgpuBackend';
import { GpuContext } from '../../src/gpu/context';
import { acquireDevice } from '../../src/gpu/device';
import { CounterRng, Streams } from '../../src/lib/rng';
import { matmulModel } from './onnxMatmul';
import { TINYVLM_CONFIG } from '../../src/model/config';
import { collate, problemExample } from '../../src/model/examples';
import { generate } from '../../src/model/generate';
import { decoderArrays, uploadDecoder, uploadImages } from '../../src/model/inputs';
import { AdamW } from '../../src/model/optimizer';
import { initParamData, Params } from '../../src/model/params';
import { sftStep } from '../../src/model/sft';
import { TinyVLM } from '../../src/model/tinyvlm';
import { generateProblem } from '../../src/tasks/problem';
import { MIRL_ARMS, rlStepRows, teachingRows, type RLStepRow } from './rlStep';

export interface BenchRow {
  kernel: string;
  shape: string;
  ours_ms: number;
  ref_ms?: number;
  ratio?: number;
  note?: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function timeIt(run: () => Promise<void>, reps: number, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await run();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await run();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

function randomF32(n: number, seed: number): Float32Array {
  const r = new CounterRng(seed, Streams.test, 1);
  return Float32Array.from({ length: n }, () => r.next() * 2 - 1);
}

async function ortMatmul(device: GPUDevice, n: number, a: GPUBuffer, b: GPUBuffer, reps: number): Promise<number> {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
  const session = await ort.InferenceSession.create(matmulModel(n, n, n), {
    executionProviders: [{ name: 'webgpu', device } as ort.InferenceSession.WebGpuExecutionProviderOption],
    preferredOutputLocation: 'gpu-buffer',
  });
  const ta = ort.Tensor.fromGpuBuffer(a, { dataType: 'float32', dims: [n, n] });
  const tb = ort.Tensor.fromGpuBuffer(b, { dataType: 'float32', dims: [n, n] });
  const ms = await timeIt(async () => {
    const out = await session.run({ A: ta, B: tb });
    await device.queue.onSubmittedWorkDone();
    out.Y.dispose();
  }, reps);
  await session.release();
  return ms;
}

interface Case {
  kernel: string;
  shape: string;
  setup(be: Backend): { run: () => void; tensors: Tensor[] };
}

function cases(): Case[] {
  const cs: Case[] = [];
  const f = (be: Backend, shape: number[], seed: number) =>
    be.fromArray(
      shape,
      randomF32(
        shape.reduce((a, b) => a * b, 1),
        seed,
      ),
    );
  const u = (be: Backend, n: number, max: number) =>
    be.fromArray(
      [n],
      Uint32Array.from({ length: n }, (_, i) => (i * 7919) % max),
    );
  for (const [B, T, C, H] of [[16, 96, 128, 4]]) {
    cs.push({
      kernel: 'attention fwd',
      shape: `B${B} T${T} C${C} H${H}`,
      setup: (be) => {
        const qkv = f(be, [B, T, 3 * C], 1);
        const out = be.zeros([B, T, C]);
        const att = be.zeros([B, H, T, T]);
        const prefix = be.fromArray([B], new Uint32Array(B).fill(40));
        return {
          run: () => be.attention({ out, att, qkv, prefix, B, T, C, nHead: H }),
          tensors: [qkv, out, att, prefix],
        };
      },
    });
    cs.push({
      kernel: 'attention bwd',
      shape: `B${B} T${T} C${C} H${H}`,
      setup: (be) => {
        const qkv = f(be, [B, T, 3 * C], 1);
        const out = be.zeros([B, T, C]);
        const att = be.zeros([B, H, T, T]);
        const prefix = be.fromArray([B], new Uint32Array(B).fill(40));
        be.attention({ out, att, qkv, prefix, B, T, C, nHead: H });
        const dout = f(be, [B, T, C], 2);
        const dqkv = be.zeros([B, T, 3 * C]);
        const dpre = be.zeros([B, H, T, T]);
        return {
          run: () => be.attentionBackward({ dqkv, dpre, dout, att, qkv, B, T, C, nHead: H }),
          tensors: [qkv, out, att, prefix, dout, dqkv, dpre],
        };
      },
    });
    cs.push({
      kernel: 'attention decode',
      shape: `B${B * 4} Tmax${T} C${C} H${H}`,
      setup: (be) => {
        const BB = B * 4;
        const q = f(be, [BB, 3 * C], 1);
        const k = f(be, [BB, T, C], 2);
        const v = f(be, [BB, T, C], 3);
        const out = be.zeros([BB, C]);
        const len = be.fromArray([BB], new Uint32Array(BB).fill(T));
        return {
          run: () => be.attentionDecode({ out, qkv: q, kCache: k, vCache: v, len, B: BB, Tmax: T, C, nHead: H }),
          tensors: [q, k, v, out, len],
        };
      },
    });
  }
  for (const [rows, C] of [[1536, 128]]) {
    // the forward's inputs and outputs, which the backward also reads
    const lnForward = (be: Backend) => ({
      x: f(be, [rows, C], 1),
      w: f(be, [C], 2),
      b: f(be, [C], 3),
      out: be.zeros([rows, C]),
      m: be.zeros([rows]),
      r: be.zeros([rows]),
    });
    cs.push({
      kernel: 'layernorm fwd',
      shape: `${rows}x${C}`,
      setup: (be) => {
        const { x, w, b, out, m, r } = lnForward(be);
        return { run: () => be.layerNorm({ out, mean: m, rstd: r, x, w, b, rows, C }), tensors: [x, w, b, out, m, r] };
      },
    });
    cs.push({
      kernel: 'layernorm bwd',
      shape: `${rows}x${C}`,
      setup: (be) => {
        const { x, w, b, out, m, r } = lnForward(be);
        be.layerNorm({ out, mean: m, rstd: r, x, w, b, rows, C });
        const dout = f(be, [rows, C], 4);
        const dx = be.zeros([rows, C]);
        const dw = be.zeros([C]);
        const db = be.zeros([C]);
        return {
          run: () => be.layerNormBackward({ dx, dw, db, dout, x, mean: m, rstd: r, w, rows, C }),
          tensors: [x, w, b, out, m, r, dout, dx, dw, db],
        };
      },
    });
  }
  cs.push({
    kernel: 'gelu fwd+bwd',
    shape: '1536x512',
    setup: (be) => {
      const x = f(be, [1536 * 512], 1);
      const out = be.zeros([1536 * 512]);
      const dx = be.zeros([1536 * 512]);
      return {
        run: () => {
          be.gelu(out, x);
          be.geluBackward(dx, x, out);
        },
        tensors: [x, out, dx],
      };
    },
  });
  cs.push({
    kernel: 'add',
    shape: '1536x128',
    setup: (be) => {
      const a = f(be, [1536 * 128], 1);
      const b = f(be, [1536 * 128], 2);
      const out = be.zeros([1536 * 128]);
      return { run: () => be.add(out, a, b), tensors: [a, b, out] };
    },
  });
  cs.push({
    kernel: 'embedding fwd+bwd',
    shape: 'N1536 C128 V128',
    setup: (be) => {
      const ids = u(be, 1536, 128);
      const table = f(be, [128, 128], 1);
      const out = be.zeros([1536, 128]);
      const dt = be.zeros([128, 128]);
      return {
        run: () => {
          be.embedding({ out, ids, table, N: 1536, C: 128 });
          be.embeddingBackward({ dtable: dt, dout: out, ids, N: 1536, C: 128 });
        },
        tensors: [ids, table, out, dt],
      };
    },
  });
  cs.push({
    kernel: 'logsoftmax gather fwd+bwd',
    shape: 'N1536 V128',
    setup: (be) => {
      const logits = f(be, [1536, 128], 1);
      const ids = u(be, 1536, 128);
      const out = be.zeros([1536]);
      const lse = be.zeros([1536]);
      const dl = be.zeros([1536, 128]);
      return {
        run: () => {
          be.logSoftmaxGather({ out, lse, logits, ids, N: 1536, V: 128 });
          be.logSoftmaxGatherBackward({ dlogits: dl, dout: out, logits, lse, ids, N: 1536, V: 128 });
        },
        tensors: [logits, ids, out, lse, dl],
      };
    },
  });
  cs.push({
    kernel: 'cross-entropy fwd+bwd',
    shape: 'N1536 V128',
    setup: (be) => {
      const logits = f(be, [1536, 128], 1);
      const ids = u(be, 1536, 128);
      const out = be.zeros([1536]);
      const lse = be.zeros([1536]);
      const dl = be.zeros([1536, 128]);
      const dloss = be.fromArray([1536], new Float32Array(1536).fill(1 / 1536));
      return {
        run: () => {
          be.crossEntropy({ out, lse, logits, ids, N: 1536, V: 128 });
          be.crossEntropyBackward({ dlogits: dl, dout: dloss, logits, lse, ids, N: 1536, V: 128 });
        },
        tensors: [logits, ids, out, lse, dl, dloss],
      };
    },
  });
  cs.push({
    kernel: 'reduce sumsq',
    shape: '1x1048576',
    setup: (be) => {
      const x = f(be, [1 << 20], 1);
      const out = be.zeros([1]);
      return { run: () => be.reduce({ out, x, rows: 1, cols: 1 << 20, op: 'sumsq' }), tensors: [x, out] };
    },
  });
  cs.push({
    kernel: 'adamw',
    shape: '1048576',
    setup: (be) => {
      const n = 1 << 20;
      const p = f(be, [n], 1);
      const g = f(be, [n], 2);
      const m = be.zeros([n]);
      const v = be.zeros([n]);
      const ss = be.fromArray([4], Float32Array.of(1, 2, 3, 4));
      let step = 0;
      return {
        run: () =>
          be.adamw({
            param: p,
            grad: g,
            m,
            v,
            sumsq: ss,
            nSlots: 4,
            hp: { lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, step: ++step, maxGradNorm: 1 },
          }),
        tensors: [p, g, m, v, ss],
      };
    },
  });
  cs.push({
    kernel: 'sample top-p 0.9',
    shape: 'B256 V128',
    setup: (be) => {
      const logits = f(be, [256, 128], 1);
      const ids = be.zeros([256], 'u32');
      const rows = u(be, 256, 1 << 20);
      const pos = u(be, 256, 100);
      let step = 0;
      return {
        run: () =>
          be.sample({
            outIds: ids,
            logits,
            rowIds: rows,
            positions: pos,
            B: 256,
            V: 128,
            p: { temperature: 1, topP: 0.9, seed: 1, stream: 3, step: step++ },
          }),
        tensors: [logits, ids, rows, pos],
      };
    },
  });
  return cs;
}

export async function runBench(opts: {
  reps: number;
  sizes: number[];
  only?: string;
  rlSteps: number;
}): Promise<(BenchRow | RLStepRow)[]> {
  const { device } = await acquireDevice();
  const ctx = new GpuContext(device);
  const be = new WebGpuBackend(ctx);
  const rows: (BenchRow | RLStepRow)[] = [];
  const want = (k: string) => !opts.only || k.includes(opts.only);

  if (want('matmul')) {
    for (const n of opts.sizes) {
      const a = be.fromArray([n, n], randomF32(n * n, 1));
      const b = be.fromArray([n, n], randomF32(n * n, 2));
      const out = be.zeros([n, n]);
      const ours = await timeIt(async () => {
        be.matmul({ out, a, b, M: n, N: n, K: n });
        await ctx.sync();
      }, opts.reps);
      let ref: number | undefined;
      let note: string | undefined;
      try {
        ref = await ortMatmul(
          device,
          n,
          (a as unknown as { buffer: GPUBuffer }).buffer,
          (b as unknown as { buffer: GPUBuffer }).buffer,
          opts.reps,
        );
      } catch (e) {
        note = `onnxruntime-web failed: ${(e as Error).message}`;
      }
      const gflops = (2 * n * n * n) / (ours * 1e6);
      rows.push({
        kernel: 'matmul',
        shape: `${n}x${n}x${n}`,
        ours_ms: ours,
        ...(ref !== undefined ? { ref_ms: ref, ratio: ours / ref } : {}),
        note: note ?? `${gflops.toFixed(2)} GFLOP/s`,
      });
      for (const t of [a, b, out]) be.free(t);
    }
  }
  for (const c of cases()) {
    if (!want(c.kernel)) continue;
    const { run, tensors } = c.setup(be);
    const ms = await timeIt(async () => {
      run();
      await ctx.sync();
    }, opts.reps);
    rows.push({ kernel: c.kernel, shape: c.shape, ours_ms: ms });
    for (const t of tensors) be.free(t);
  }
  if (want('tinyvlm')) rows.push(...(await modelRows(be, opts.reps)));
  if (opts.only === 'teaching')
    rows.push(...(await teachingRows(be, '/models/tinyvlm-v1/model.safetensors', opts.rlSteps)));
  else if (opts.only === 'mirl')
    rows.push(...(await rlStepRows(be, '/models/tinyvlm-v1/model.safetensors', opts.rlSteps, MIRL_ARMS)));
  else if (want('rl step')) rows.push(...(await rlStepRows(be, '/models/tinyvlm-v1/model.safetensors', opts.rlSteps)));
  if (ctx.errors.length) throw new Error(`WebGPU errors during the benchmark: ${ctx.errors.join('; ')}`);
  return rows;
}

/** TinyVLM at the shipped size: a supervised step (forward, backward, AdamW) and sampling throughput. */
async function modelRows(be: WebGpuBackend, reps: number): Promise<BenchRow[]> {
  const c = TINYVLM_CONFIG;
  const model = new TinyVLM(be, c, new Params(c, be, initParamData(c, 1)));
  const opt = new AdamW(be, model.params);
  const rows: BenchRow[] = [];
  for (const B of [8, 32]) {
    const ex = Array.from({ length: B }, (_, i) => problemExample(generateProblem(5, i), c, { withTarget: true }));
    const { rows: seqs, images } = collate(ex);
    const T = seqs.reduce((m, r) => Math.max(m, r.ids.length), 0);
    const enc = uploadImages(be, images, c);
    const dec = uploadDecoder(be, decoderArrays(seqs, T, c));
    const fwd = await timeIt(async () => {
      model.forward(enc, dec);
      await be.sync();
    }, reps);
    const fwdBwd = await timeIt(async () => {
      model.forward(enc, dec);
      model.zeroGrads();
      be.fill(model.dlogits, 0);
      model.backward();
      await be.sync();
    }, reps);
    const step = await timeIt(async () => {
      await sftStep(model, opt, ex);
    }, reps);
    rows.push({ kernel: 'tinyvlm forward', shape: `B${B} T${T}`, ours_ms: fwd });
    rows.push({ kernel: 'tinyvlm forward+backward', shape: `B${B} T${T}`, ours_ms: fwdBwd });
    rows.push({
      kernel: 'tinyvlm train step (fwd+bwd+AdamW)',
      shape: `B${B} T${T}`,
      ours_ms: step,
      note: `${((B * T) / (step / 1000)).toFixed(0)} tokens/s`,
    });
  }
  for (const B of [16, 64]) {
    const ex = Array.from({ length: B }, (_, i) => problemExample(generateProblem(6, i), c));
    const { rows: seqs, images } = collate(ex);
    let tokens = 0;
    const ms = await timeIt(
      async () => {
        const g = await generate(
          model,
          seqs,
          images,
          seqs.map((_, i) => i),
          { maxNew: 32, stopToken: -1, temperature: 1, topP: 1, seed: 1, stream: 3, step: 0, checkEvery: 1000 },
        );
        tokens = g.steps * B;
      },
      Math.max(3, Math.floor(reps / 2)),
      1,
    );
    rows.push({
      kernel: 'tinyvlm sampling (KV cache)',
      shape: `B${B} x 32 new tokens`,
      ours_ms: ms,
      note: `${((tokens / ms) * 1000).toFixed(0)} tokens/s`,
    });
  }
  return rows;
}

declare global {
  interface Window {
    bench: { runBench: typeof runBench };
  }
}
window.bench = { runBench };
document.body.dataset.ready = 'true';
