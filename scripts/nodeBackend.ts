// The backends a Node script can run on: the CPU reference, or the WebAssembly SIMD
// backend (its kernels compiled by scripts/build-wasm.mjs).

import { existsSync, readFileSync } from 'node:fs';
import type { Backend } from '../src/backend/backend';
import { CpuBackend } from '../src/backend/cpu/cpuBackend';
import { WasmBackend } from '../src/backend/wasm/wasmBackend';

export type NodeBackendKind = 'cpu' | 'wasm';

const WASM = new URL('../src/backend/wasm/kernels.wasm', import.meta.url);

/** The compiled kernels; a clear message when they were never built. */
export function wasmBytes(): Uint8Array<ArrayBuffer> {
  if (!existsSync(WASM))
    throw new Error(
      `${WASM.pathname} is missing: run \`node scripts/build-wasm.mjs\` (npm install, npm test and npm run build do)`,
    );
  return new Uint8Array(readFileSync(WASM));
}

export function nodeBackend(kind: NodeBackendKind): Backend {
  return kind === 'wasm' ? WasmBackend.createSync(wasmBytes()) : new CpuBackend();
}
