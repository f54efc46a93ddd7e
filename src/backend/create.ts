// The one way to get a backend: the CPU reference, WebAssembly SIMD (its kernels
// fetched from `wasmUrl`), or WebGPU on a freshly acquired device.

import { acquireDevice, type AdapterReport } from '../gpu/device';
import { GpuContext } from '../gpu/context';
import type { Backend } from './backend';
import { CpuBackend } from './cpu/cpuBackend';
import { WasmBackend } from './wasm/wasmBackend';
import { WebGpuBackend } from './webgpu/webgpuBackend';

export type BackendKind = 'cpu' | 'wasm' | 'webgpu';

/**
 * A backend of the given kind, and the adapter it runs on (null on the CPU). Throws
 * WebGpuUnavailableError with the reason when WebGPU has no device; `onLost` is told
 * once if the device is lost later.
 */
export async function createBackend(
  kind: BackendKind,
  onLost?: (reason: string) => void,
  wasmUrl?: string,
): Promise<{ be: Backend; adapter: AdapterReport | null }> {
  if (kind === 'cpu') return { be: new CpuBackend(), adapter: null };
  if (kind === 'wasm') {
    if (!wasmUrl) throw new Error('the wasm backend needs the URL of its kernels');
    let res: Response;
    try {
      res = await fetch(wasmUrl);
    } catch (e) {
      throw new Error(`could not fetch the wasm kernels (${wasmUrl}): ${(e as Error).message}`, { cause: e });
    }
    if (!res.ok) throw new Error(`could not fetch the wasm kernels (${wasmUrl}): HTTP ${res.status}`);
    return { be: await WasmBackend.create(await res.arrayBuffer()), adapter: null };
  }
  const { device, report } = await acquireDevice();
  const ctx = new GpuContext(device);
  if (onLost) ctx.onLost(onLost);
  return { be: new WebGpuBackend(ctx), adapter: report };
}
