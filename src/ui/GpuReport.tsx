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
    // a quick look: the table's small settings, sized for the plain JS reference too (the backend stays)
    for (const [k, v] of Object.entries(CPU_PRESET)) s.setField(k as FieldName, v as RLConfig[FieldName]);
  };
  useEffect(() => {
    void runProbe();
  }, [runProbe]);

  if (!probe) return <p data-testid="gpu-probing">Requesting a WebGPU adapter…</p>;
  if (!probe.ok) {
    // calm: nothing is broken, the page trains on the CPU instead; how to turn WebGPU on is one click away
    return (
      <section className="panel calm" data-testid="no-webgpu">
        <p>
          <b>No WebGPU in this browser</b> (<span data-testid="no-webgpu-reason">{probe.reason}</span>){' '}
          <span data-testid="wasm-note">
            Training runs on the WebAssembly SIMD backend instead{backend === 'wasm' ? ' (selected)' : ''}, on this
            computer&apos;s CPU: the defaults, the size at which learning shows (16 prompts per step over 60 steps),
            take one to two seconds a step on a two-core machine, a few minutes for a whole run with its held-out
            checks.
          </span>
        </p>
        <details data-testid="webgpu-advice">
          <summary>How to turn WebGPU on</summary>
          <p>{probe.advice}</p>
        </details>
        <p>
          Small settings make each step a fraction of a second, for a quick look at the method step by step; they are
          too small to show learning.{' '}
          <button data-testid="use-cpu" onClick={smallSettings}>
            Use small settings (a quick look)
          </button>
        </p>
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
