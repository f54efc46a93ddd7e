import { useEffect } from 'react';
import { CPU_PRESET, type FieldName, type RLConfig } from '../rl/config';
import { useGpuStore } from './stores/gpuStore';
import { useDraftStore } from './stores/draftStore';

/** The adapter the page got, or why there is none and what to do. */
export function GpuReport() {
  const { probe, runProbe } = useGpuStore();
  const backend = useDraftStore((s) => s.backend);
  const smallSettings = () => {
    const s = useDraftStore.getState();
    s.setBackend('wasm');
    // a quick look: the table's small settings, sized for the plain JS reference too
    for (const [k, v] of Object.entries(CPU_PRESET)) s.setField(k as FieldName, v as RLConfig[FieldName]);
  };
  useEffect(() => {
    void runProbe();
  }, [runProbe]);
  // Without WebGPU the WebAssembly SIMD backend is the fastest that can run: select it.
  useEffect(() => {
    if (probe && !probe.ok) useDraftStore.getState().setBackend('wasm');
  }, [probe]);

  if (!probe) return <p data-testid="gpu-probing">Requesting a WebGPU adapter…</p>;
  if (!probe.ok) {
    return (
      <section className="panel error" data-testid="no-webgpu">
        <h2>WebGPU is not available</h2>
        <p data-testid="no-webgpu-reason">{probe.reason}</p>
        <p>{probe.advice}</p>
        <p data-testid="wasm-note">
          The WebAssembly SIMD backend runs everything here instead{backend === 'wasm' ? ' (selected)' : ''}, on this
          computer's CPU. It runs the defaults, the size at which learning shows (16 prompts per step over 60 steps), at
          about one to two seconds a step on a two-core machine, so a whole run with its held-out checks takes a few
          minutes.
        </p>
        <p>
          Small settings make each step a fraction of a second, for a quick look at how the method works step by step;
          they are too small to show learning.
        </p>
        <button data-testid="use-cpu" onClick={smallSettings}>
          Use small settings (a quick look)
        </button>
      </section>
    );
  }
  const r = probe.report;
  return (
    <details className="panel" data-testid="gpu-report" open={false}>
      <summary>
        WebGPU adapter: {r.vendor || r.architecture || 'unknown'} {r.architecture}{' '}
        {r.shaderF16 ? '(shader-f16)' : '(f32 only)'}
      </summary>
      <dl className="kv">
        <dt>vendor</dt>
        <dd data-testid="gpu-vendor">{r.vendor || '(not reported)'}</dd>
        <dt>architecture</dt>
        <dd data-testid="gpu-architecture">{r.architecture || '(not reported)'}</dd>
        <dt>device</dt>
        <dd>{r.device || r.description || '(not reported)'}</dd>
        <dt>fallback adapter</dt>
        <dd>{r.isFallback ? 'yes (software)' : 'no'}</dd>
        <dt>shader-f16</dt>
        <dd data-testid="gpu-f16">{r.shaderF16 ? 'yes' : 'no (f32 kernels only)'}</dd>
      </dl>
      <h3>Limits</h3>
      <table className="limits">
        <tbody>
          {Object.entries(r.limits).map(([k, v]) => (
            <tr key={k}>
              <td>{k}</td>
              <td>{v.toLocaleString('en-US')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="features">
        {r.features.length} features: {r.features.join(', ')}
      </p>
    </details>
  );
}
