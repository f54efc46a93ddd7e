// The page's side of the hub worker. onnxruntime-web's wasm runtime is served by
// the app itself (Vite copies it; no CDN), and the worker is told where.

import ortMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import type { FromHub, ToHub } from '../worker/hubProtocol';
import { WorkerClient } from './workerClient';

export const ORT_WASM = { wasm: new URL(ortWasm, location.href).href, mjs: new URL(ortMjs, location.href).href };

export class HubClient extends WorkerClient<ToHub, FromHub> {
  constructor(onMessage: (m: FromHub) => void) {
    super(new Worker(new URL('../worker/hubWorker.ts', import.meta.url), { type: 'module' }), onMessage, (why) => ({
      type: 'error',
      where: 'run',
      message: `hub worker failed: ${why}`,
    }));
  }
}
