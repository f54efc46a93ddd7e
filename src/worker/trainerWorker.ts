/// <reference lib="webworker" />
// The trainer in a Web Worker: it owns the GPU device, runs steps, and posts
// each step's metrics and rollout records. The page only renders them.
// Device loss: the trainer is rebuilt on a new device from the last weights
// read back (every few steps), and the run goes on from there.

import type { Backend } from '../backend/backend';
import { CpuBackend } from '../backend/cpu/cpuBackend';
import { WebGpuBackend } from '../backend/webgpu/webgpuBackend';
import { GpuContext } from '../gpu/context';
import { acquireDevice, type AdapterReport } from '../gpu/device';
import { fetchCheckpoint, type Checkpoint } from '../model/checkpoint';
import { countParams } from '../model/params';
import type { RLConfig } from '../rl/config';
import { RLTrainer } from '../rl/trainer';
import type { BackendKind, FromWorker, ToWorker } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromWorker) => scope.postMessage(m);

const SNAPSHOT_EVERY = 5;

let config: RLConfig | null = null;
let kind: BackendKind = 'webgpu';
let trainer: RLTrainer | null = null;
let snapshot: { ck: Checkpoint; step: number } | null = null;
/** The checkpoint the run started from: the KL reference and frozen MI scorer, also after a recovery. */
let warmStart: Checkpoint | null = null;
let running = false;
let target = 0;
let busy = false;

async function makeBackend(k: BackendKind): Promise<{ be: Backend; adapter: AdapterReport | null }> {
  if (k === 'cpu') return { be: new CpuBackend(), adapter: null };
  const { device, report } = await acquireDevice();
  const ctx = new GpuContext(device);
  ctx.onLost((reason) => void recover(reason));
  return { be: new WebGpuBackend(ctx), adapter: report };
}

async function build(ck: Checkpoint, step: number): Promise<AdapterReport | null> {
  const { be, adapter } = await makeBackend(kind);
  trainer = new RLTrainer(be, config!, ck, warmStart ?? ck);
  trainer.step = step;
  return adapter;
}

async function recover(reason: string): Promise<void> {
  if (!snapshot || !config) return;
  const wasRunning = running;
  running = false;
  try {
    await build(snapshot.ck, snapshot.step);
    post({ type: 'recovered', message: `GPU device lost (${reason}); resumed from the weights of step ${snapshot.step}`, step: snapshot.step });
    post({ type: 'state', running: false, step: snapshot.step });
    if (wasRunning) void loop();
  } catch (e) {
    post({ type: 'error', message: `GPU device lost (${reason}) and could not be recovered: ${(e as Error).message}`, fatal: true });
  }
}

async function takeSnapshot(): Promise<void> {
  if (!trainer) return;
  snapshot = { ck: { config: trainer.model.config, tensors: await trainer.model.params.toHost(), metadata: {} }, step: trainer.step };
}

async function oneStep(): Promise<boolean> {
  if (!trainer || busy) return false;
  busy = true;
  try {
    const report = await trainer.trainStep();
    post({ type: 'step', report });
    if (report.metrics.error) {
      post({ type: 'error', message: report.metrics.error, fatal: true });
      return false;
    }
    if (trainer.step % SNAPSHOT_EVERY === 0) await takeSnapshot();
    return true;
  } catch (e) {
    post({ type: 'error', message: (e as Error).message, fatal: false });
    return false;
  } finally {
    busy = false;
  }
}

async function loop(): Promise<void> {
  if (busy) return;
  running = true;
  post({ type: 'state', running: true, step: trainer?.step ?? 0 });
  while (running && trainer && trainer.step < target) {
    if (!(await oneStep())) break;
  }
  running = false;
  post({ type: 'state', running: false, step: trainer?.step ?? 0 });
}

scope.onmessage = async (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  try {
    if (m.type === 'init') {
      config = m.config;
      kind = m.backend;
      const ck = await fetchCheckpoint(m.checkpointUrl, (loaded, total) => post({ type: 'progress', what: 'checkpoint', loaded, total }));
      warmStart = ck;
      const adapter = await build(ck, 0);
      snapshot = { ck, step: 0 };
      const params = countParams(ck.config);
      post({ type: 'ready', backend: kind, adapter, params });
    } else if (m.type === 'run') {
      target = m.untilStep ?? config?.steps ?? 0;
      void loop();
    } else if (m.type === 'pause') {
      running = false;
    } else if (m.type === 'step') {
      if (!running) {
        await oneStep();
        post({ type: 'state', running: false, step: trainer?.step ?? 0 });
      }
    }
  } catch (e) {
    post({ type: 'error', message: (e as Error).message, fatal: m.type === 'init' });
  }
};
