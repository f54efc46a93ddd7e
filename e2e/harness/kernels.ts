// Browser entry for the kernel checks: runs every case on the CPU reference and
// on WebGPU in this page and reports the comparison to Playwright.

import { CpuBackend } from '../../src/backend/cpu/cpuBackend';
import { createWebGpuBackend, WebGpuBackend } from '../../src/backend/webgpu/webgpuBackend';
import { GpuContext } from '../../src/gpu/context';
import { acquireDevice } from '../../src/gpu/device';
import { ALL_KERNELS } from '../../src/gpu/kernels';
import { rngU32 } from '../../src/lib/rng';
import { buildCases } from './cases';
import { execute, judge, type CaseResult } from './runCase';

let gpu: WebGpuBackend | null = null;
async function gpuBackend(): Promise<WebGpuBackend> {
  if (!gpu) gpu = await createWebGpuBackend();
  return gpu;
}

async function runGroup(group: string, seed: number): Promise<CaseResult[]> {
  const be = await gpuBackend();
  const cpu = new CpuBackend();
  const results: CaseResult[] = [];
  for (const c of buildCases(seed).filter((x) => x.group === group)) {
    const errorsBefore = be.ctx.errors.length;
    try {
      const g = await execute(be, c);
      const r = await execute(cpu, c);
      if (be.ctx.errors.length > errorsBefore) {
        results.push({
          name: c.name,
          ok: false,
          relErr: Infinity,
          error: `WebGPU error: ${be.ctx.errors.slice(errorsBefore).join('; ')}`,
        });
        continue;
      }
      results.push({ name: c.name, ...judge(c, g, r) });
    } catch (e) {
      results.push({ name: c.name, ok: false, relErr: Infinity, error: String((e as Error).stack ?? e) });
    }
  }
  if (results.length === 0) throw new Error(`no cases in group ${group}`);
  return results;
}

/** The WGSL RNG stream against the TS one, bit for bit. */
async function rngMismatches(
  seed: number,
  stream: number,
  step: number,
  rows: number,
  width: number,
): Promise<string[]> {
  const be = await gpuBackend();
  const t = be.zeros([rows * width], 'u32');
  be.rngFill(t, width, seed, stream, step);
  const got = await be.readU32(t);
  be.free(t);
  const bad: string[] = [];
  for (let i = 0; i < got.length; i++) {
    const want = rngU32(seed, stream, step, Math.floor(i / width), i % width);
    if (got[i] !== want) bad.push(`(${Math.floor(i / width)}, ${i % width}): wgsl ${got[i]} ts ${want}`);
  }
  return bad;
}

/**
 * Every declared kernel's program compiled, and every entry point made into a pipeline
 * with the layout generated from its declaration: the messages of any that fail.
 */
async function compileAll(): Promise<{ pipelines: number; entryPoints: number; errors: string[] }> {
  const be = await gpuBackend();
  const { device, pipelines } = be.ctx;
  const errors: string[] = [];
  let made = 0;
  for (const k of ALL_KERNELS) {
    const info = await pipelines.module(k).getCompilationInfo();
    for (const m of info.messages) if (m.type === 'error') errors.push(`${k.name}:${m.lineNum}: ${m.message}`);
    for (const entry of Object.keys(k.entryPoints)) {
      device.pushErrorScope('validation');
      // Overrides left at their defaults: each program must compile with any value.
      pipelines.get(k, entry);
      const e = await device.popErrorScope();
      if (e) errors.push(`${k.name}.${entry}: ${e.message}`);
      else made++;
    }
  }
  const entryPoints = ALL_KERNELS.reduce((n, k) => n + Object.keys(k.entryPoints).length, 0);
  return { pipelines: made, entryPoints, errors };
}

declare global {
  interface Window {
    kernelHarness: {
      runGroup: typeof runGroup;
      rngMismatches: typeof rngMismatches;
      compileAll: typeof compileAll;
      infraChecks?: () => Promise<Record<string, unknown>>;
    };
  }
}

window.kernelHarness = { runGroup, rngMismatches, compileAll };

/** Buffer pool reuse, pipeline cache hits, and the device-lost path, on a device of their own. */
async function infraChecks(): Promise<Record<string, unknown>> {
  const { device } = await acquireDevice();
  const ctx = new GpuContext(device);
  const be = new WebGpuBackend(ctx);
  const a = be.zeros([1000]);
  be.free(a);
  const b = be.zeros([900]); // same size class as 1000 floats
  const poolAfter = ctx.pool.stats();
  const x = be.fromArray([900], new Float32Array(900).fill(1));
  be.scale(b, x, 2);
  be.scale(b, x, 3);
  const pipelinesAfterTwo = ctx.pipelines.size;
  const lostEvents: string[] = [];
  ctx.onLost((r) => lostEvents.push(r));
  device.destroy();
  await new Promise((r) => setTimeout(r, 50));
  let dispatchError = '';
  try {
    be.scale(b, x, 4);
    await be.read(b);
  } catch (e) {
    dispatchError = `${(e as Error).name}: ${(e as Error).message}`;
  }
  // The caller re-creates its state on a new device.
  const fresh = await createWebGpuBackend();
  const y = fresh.fromArray([3], Float32Array.of(1, 2, 3));
  const z = fresh.zeros([3]);
  fresh.scale(z, y, 2);
  const recovered = Array.from(await fresh.read(z));
  return {
    poolCreated: poolAfter.created,
    poolReused: poolAfter.reused,
    pipelinesAfterTwo,
    lostEvents,
    dispatchError,
    recovered,
  };
}
window.kernelHarness.infraChecks = infraChecks;
document.body.dataset.ready = 'true';
