/// <reference lib="webworker" />
// The Real VLM view's worker: it owns one GPU device, shared by onnxruntime-web
// (the hub model's sessions) and the playground's WebGPU backend (the MI
// kernel), since a device cannot move between threads. One job at a time.

import { WebGpuBackend } from '../backend/webgpu/webgpuBackend';
import { GpuContext } from '../gpu/context';
import { acquireDevice } from '../gpu/device';
import { configureHubEnv, HubError, loadHubModel, type LoadedHubModel } from '../hub/load';
import { runHub } from '../hub/run';
import { validateHubSettings } from '../hub/settings';
import type { FromHub, ToHub } from './hubProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromHub) => scope.postMessage(m);

let gpu: { device: GPUDevice; be: WebGpuBackend; f16: boolean } | null = null;
let gpuTried = false;
let loaded: { key: string; hm: LoadedHubModel } | null = null;
let busy = false;

/** The device, once; without WebGPU the model runs on onnxruntime's wasm backend and MI on the CPU. */
async function device(): Promise<typeof gpu> {
  if (gpuTried) return gpu;
  gpuTried = true;
  try {
    const { device: dev, adapter } = await acquireDevice();
    gpu = { device: dev, be: new WebGpuBackend(new GpuContext(dev)), f16: adapter.features.has('shader-f16') };
    void dev.lost.then((info) => {
      gpu = null;
      loaded = null;
      gpuTried = false;
      post({
        type: 'error',
        where: 'device',
        message: `GPU device lost (${info.message || info.reason}); load the model again`,
      });
    });
  } catch {
    gpu = null;
  }
  return gpu;
}

async function load(m: Extract<ToHub, { type: 'load' }>): Promise<void> {
  const key = `${m.model}|${m.base}`;
  if (loaded?.key === key) {
    const hm = loaded.hm;
    post({
      type: 'loaded',
      model: m.model,
      dtype: hm.dtype,
      device: hm.device === 'webgpu' ? 'webgpu' : 'wasm',
      loadMs: 0,
      vocabSize: hm.vocabSize,
      cached: true,
    });
    return;
  }
  configureHubEnv(m.wasm);
  const g = await device();
  const hm = await loadHubModel(m.model, {
    device: g ? 'webgpu' : 'wasm',
    gpuDevice: g?.device,
    // fp16 weights only where the adapter has shader-f16 (onnxruntime refuses them otherwise).
    shaderF16: g?.f16 ?? false,
    base: m.base,
    allowHub: m.allowHub,
    onProgress: (p) => post({ type: 'file', ...p }),
  });
  if (loaded) await loaded.hm.model.dispose();
  loaded = { key, hm };
  post({
    type: 'loaded',
    model: m.model,
    dtype: hm.dtype,
    device: g ? 'webgpu' : 'wasm',
    loadMs: hm.loadMs,
    vocabSize: hm.vocabSize,
    cached: false,
  });
}

async function run(m: Extract<ToHub, { type: 'run' }>): Promise<void> {
  if (!loaded) throw new HubError('model', 'load a model first');
  const v = validateHubSettings(m.settings);
  if (!v.ok) throw new HubError('settings', v.errors.join('; '));
  const result = await runHub(loaded.hm, v.settings.model, m.image, v.settings, {
    be: gpu?.be,
    cpuCheck: m.cpuCheck,
    onStage: (stage) => post({ type: 'stage', stage }),
  });
  post({ type: 'result', result });
}

scope.onmessage = async (ev: MessageEvent<ToHub>) => {
  const m = ev.data;
  if (busy) {
    post({
      type: 'error',
      where: m.type === 'load' ? 'model' : 'run',
      message: 'the hub worker is busy with the previous request',
    });
    return;
  }
  busy = true;
  try {
    if (m.type === 'load') await load(m);
    else await run(m);
  } catch (e) {
    const where = e instanceof HubError ? (e.where === 'busy' ? 'run' : e.where) : m.type === 'load' ? 'model' : 'run';
    post({ type: 'error', where, message: (e as Error).message });
  } finally {
    busy = false;
  }
};
