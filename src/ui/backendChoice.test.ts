import { describe, expect, it } from 'vitest';
import type { AdapterReport } from '../gpu/device';
import { adapterName, chooseBackend, type ProbeOutcome } from './backendChoice';

const adapter = (over: Partial<AdapterReport>): AdapterReport => ({
  vendor: 'google',
  architecture: 'swiftshader',
  device: '',
  description: 'SwiftShader Device (Subzero)',
  isFallback: true,
  shaderF16: false,
  features: [],
  limits: {},
  ...over,
});
const SOFT = adapter({});
const GPU = adapter({ vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA RTX', isFallback: false });
const outcome = (o: Partial<ProbeOutcome>): ProbeOutcome => ({
  timed: [],
  failed: [],
  late: [],
  waitedMs: 1000,
  adapter: null,
  ...o,
});

describe('the backend picked by measurement', () => {
  it('picks the faster, and says both timings', () => {
    /** Both measured: wasm at 60 ms a step (120 the first), WebGPU as given, on the adapter `on`. */
    const race = (on: AdapterReport, webgpu: { firstMs: number; ms: number }) =>
      chooseBackend(
        outcome({
          adapter: on,
          timed: [
            { kind: 'wasm', firstMs: 120, ms: 60 },
            { kind: 'webgpu', ...webgpu },
          ],
        }),
      );
    const soft = race(SOFT, { firstMs: 3000, ms: 900 });
    expect(soft.backend).toBe('wasm');
    expect(soft.why).toMatch(/WebAssembly SIMD 60 ms, WebGPU \(swiftshader, software\) 900 ms, 15\.0× faster/);
    const gpu = race(GPU, { firstMs: 400, ms: 12 });
    expect(gpu.backend).toBe('webgpu');
    // a software adapter wins too, where it is measured faster
    expect(race(SOFT, { firstMs: 400, ms: 30 }).backend).toBe('webgpu');
  });

  it('counts a backend that did not finish in time, or failed, as not the faster', () => {
    const late = chooseBackend(
      outcome({ adapter: SOFT, timed: [{ kind: 'wasm', firstMs: 120, ms: 60 }], late: ['webgpu'], waitedMs: 6000 }),
    );
    expect(late).toEqual({
      backend: 'wasm',
      why: expect.stringMatching(
        /WebAssembly SIMD 60 ms; WebGPU \(swiftshader, software\) had not finished after 6\.0 s/,
      ),
    });
    const failed = chooseBackend(
      outcome({
        adapter: GPU,
        timed: [{ kind: 'wasm', firstMs: 1, ms: 50 }],
        failed: [{ kind: 'webgpu', message: 'lost' }],
      }),
    );
    expect(failed.backend).toBe('wasm');
    expect(failed.why).toMatch(/failed \(lost\)/);
  });

  it('without a measurement, never a software adapter: WebGPU on a hardware one, WebAssembly SIMD otherwise', () => {
    const none = { late: ['wasm', 'webgpu'] as ProbeOutcome['late'] };
    expect(chooseBackend(outcome({ ...none, adapter: SOFT })).backend).toBe('wasm');
    expect(chooseBackend(outcome({ ...none, adapter: GPU })).backend).toBe('webgpu');
    expect(chooseBackend(outcome({ ...none, adapter: null })).backend).toBe('wasm');
    // software by name too, where the browser does not flag the fallback adapter
    expect(adapterName(adapter({ isFallback: false, architecture: 'llvmpipe', description: '' }))).toMatch(/software/);
    expect(adapterName(GPU)).toBe('WebGPU (ampere)');
  });
});
