// Evaluates a checkpoint on WebGPU in the page (driven by scripts/eval.ts).
import { createWebGpuBackend } from '../../src/backend/webgpu/webgpuBackend';
import { decodeCheckpoint } from '../../src/model/checkpoint';
import { evaluate, type EvalReport } from '../../src/model/evaluate';
import { Params } from '../../src/model/params';
import { TinyVLM } from '../../src/model/tinyvlm';
import { base64ToBytes as fromBase64 } from '../../src/lib/base64url';

declare global {
  interface Window {
    reportProgress(msg: string): Promise<void>;
    evalPage: { run(weightsB64: string, seed: number, count: number, samples: number): Promise<EvalReport> };
  }
}

async function run(weightsB64: string, seed: number, count: number, samples: number): Promise<EvalReport> {
  const ck = decodeCheckpoint(fromBase64(weightsB64));
  const be = await createWebGpuBackend();
  const model = new TinyVLM(be, ck.config, new Params(ck.config, be, ck.tensors));
  return evaluate(model, seed, count, { samples, onProgress: (n) => void window.reportProgress(`${n}/${count}`) });
}

window.evalPage = { run };
document.body.dataset.ready = 'true';
