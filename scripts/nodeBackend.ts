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
  if (!existsSync(WASM)) throw new Error(`${WASM.pathname} is missing: run \`node scripts/build-wasm.mjs\` (npm install, npm test and npm run build do)`);
  return new Uint8Array(readFileSync(WASM));
}

export function nodeBackend(kind: NodeBackendKind): Backend {
  return kind === 'wasm' ? WasmBackend.createSync(wasmBytes()) : new CpuBackend();
}

/** --backend, one of `choices` (the first is the default: wasm where the bench says it is faster); anything else exits 2 with the choices. */
export function backendArg<K extends string>(args: Record<string, string>, choices: readonly K[]): K {
  const b = (args.backend ?? choices[0]) as K;
  if (!choices.includes(b)) {
    console.error(`--backend ${b}: choose ${choices.join(', ')}`);
    process.exit(2);
  }
  return b;
}
