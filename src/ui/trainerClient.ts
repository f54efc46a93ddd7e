// The page's side of the trainer worker: one worker per live run, its messages
// turned into store updates. The UI never waits on the GPU.

import type { RLConfig } from '../rl/config';
import type { BackendKind, FromWorker, ToWorker } from '../worker/protocol';

import { warmStartFor } from '../tasks/families';
import checkpointPath from '../../models/tinyvlm-v1/model.safetensors?url';
import groundingCheckpointPath from '../../models/tinyvlm-v1g/model.safetensors?url';
import wasmPath from '../backend/wasm/kernels.wasm?url';
import sandboxPath from '@jitl/quickjs-wasmfile-release-sync/wasm?url';

/** Absolute, so that the worker (whose own URL is under assets/) fetches the same files. */
const CHECKPOINT_URL = {
  'tinyvlm-v1': new URL(checkpointPath, location.href).href,
  'tinyvlm-v1g': new URL(groundingCheckpointPath, location.href).href,
};
export const WASM_URL = new URL(wasmPath, location.href).href;
/** The QuickJS build a custom reward runs in (lib/sandbox.ts), loaded by the workers that run one. */
export const SANDBOX_URL = new URL(sandboxPath, location.href).href;

/** The checkpoint a config's run starts from: the warm start named, or with auto the one its families need. */
export const checkpointUrlOf = (config: RLConfig): string =>
  CHECKPOINT_URL[warmStartFor(config.families, config.warmStart)];

export interface ClientHandlers {
  onMessage(m: FromWorker): void;
}

export class TrainerClient {
  private worker: Worker;
  /** `resume.snapshot`: the state to continue from; `snapshotEvery`: how often the worker keeps the state. */
  constructor(
    config: RLConfig,
    backend: BackendKind,
    private readonly h: ClientHandlers,
    keep: { snapshotEvery: number; snapshot?: Uint8Array },
  ) {
    this.worker = new Worker(new URL('../worker/trainerWorker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => this.h.onMessage(ev.data);
    this.worker.onerror = (ev) =>
      this.h.onMessage({ type: 'error', message: `worker failed: ${ev.message}`, fatal: true, crashed: true });
    this.send({
      type: 'init',
      config,
      // the warm start named, or with auto the one its families need (boxes: the one that learned to write them)
      checkpointUrl: checkpointUrlOf(config),
      wasmUrl: WASM_URL,
      sandboxUrl: SANDBOX_URL,
      backend,
      snapshotEvery: keep.snapshotEvery,
      snapshot: keep.snapshot,
    });
  }
  send(m: ToWorker): void {
    this.worker.postMessage(m);
  }
  terminate(): void {
    this.worker.terminate();
  }
}
