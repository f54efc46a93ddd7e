// Messages between the page and the hub worker (the Real VLM view). The worker
// owns its GPU device, shared by onnxruntime-web and the playground's MI kernel.

import type { HubResult } from '../hub/result';
import type { HubSettings } from '../hub/settings';

/** An image as RGBA pixels (what a canvas gives). */
export interface PixelImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

export type ToHub =
  | { type: 'load'; model: string; base: string; allowHub: boolean; wasm: { wasm: string; mjs: string } }
  | { type: 'run'; settings: HubSettings; image: PixelImage; cpuCheck: boolean };

export type HubStage = 'sampling' | 'scoring' | 'answering';

export type FromHub =
  | { type: 'file'; file: string; loaded: number; total: number; done: boolean }
  | {
      type: 'loaded';
      model: string;
      dtype: 'fp32' | 'fp16';
      device: 'webgpu' | 'wasm';
      loadMs: number;
      vocabSize: number;
      cached: boolean;
    }
  | { type: 'stage'; stage: HubStage }
  | { type: 'result'; result: HubResult }
  | { type: 'error'; where: 'model' | 'image' | 'device' | 'settings' | 'run'; message: string };
