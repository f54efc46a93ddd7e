// The one way to get a backend: the CPU reference, or WebGPU on a freshly acquired device.

import { acquireDevice, type AdapterReport } from '../gpu/device';
import { GpuContext } from '../gpu/context';
import type { Backend } from './backend';
import { CpuBackend } from './cpu/cpuBackend';
import { WebGpuBackend } from './webgpu/webgpuBackend';

export type BackendKind = 'cpu' | 'webgpu';

/**
 * A backend of the given kind, and the adapter it runs on (null on the CPU). Throws
 * WebGpuUnavailableError with the reason when WebGPU has no device; `onLost` is told
 * once if the device is lost later.
 */
export async function createBackend(kind: BackendKind, onLost?: (reason: string) => void): Promise<{ be: Backend; adapter: AdapterReport | null }> {
  if (kind === 'cpu') return { be: new CpuBackend(), adapter: null };
  const { device, report } = await acquireDevice();
  const ctx = new GpuContext(device);
  if (onLost) ctx.onLost(onLost);
  return { be: new WebGpuBackend(ctx), adapter: report };
}
