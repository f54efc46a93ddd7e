// Messages between the page and the backend probe worker, which times one small training step
// (src/model/probeStep.ts) on each backend the page could use, so that the page picks the faster.

import type { AdapterReport } from '../gpu/device';
import type { BackendKind } from './protocol';

/** The backends the probe compares (the CPU reference is never the faster one). */
export type ProbedKind = Extract<BackendKind, 'wasm' | 'webgpu'>;

export interface ToProbe {
  type: 'probe';
  /** In this order, one after the other, so that they do not share the CPU. */
  kinds: ProbedKind[];
  wasmUrl: string;
}

export type FromProbe =
  /** `firstMs`: the first pass (buffers, pipelines); `ms`: a later one, what every step costs. */
  | { type: 'timed'; kind: ProbedKind; firstMs: number; ms: number; adapter: AdapterReport | null }
  | { type: 'failed'; kind: ProbedKind; message: string }
  | { type: 'done' };
