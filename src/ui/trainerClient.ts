// The page's side of the trainer worker: one worker per live run, its messages
// turned into store updates. The UI never waits on the GPU.

import type { RLConfig } from '../rl/config';
import type { BackendKind, FromWorker, ToWorker } from '../worker/protocol';

export const CHECKPOINT_URL = `${import.meta.env.BASE_URL}models/tinyvlm-v1/model.safetensors`;

export interface ClientHandlers {
  onMessage(m: FromWorker): void;
}

export class TrainerClient {
  private worker: Worker;
  constructor(config: RLConfig, backend: BackendKind, private readonly h: ClientHandlers) {
    this.worker = new Worker(new URL('../worker/trainerWorker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => this.h.onMessage(ev.data);
    this.worker.onerror = (ev) => this.h.onMessage({ type: 'error', message: `worker failed: ${ev.message}`, fatal: true });
    this.send({ type: 'init', config, checkpointUrl: CHECKPOINT_URL, backend });
  }
  send(m: ToWorker): void {
    this.worker.postMessage(m);
  }
  terminate(): void {
    this.worker.terminate();
  }
}
