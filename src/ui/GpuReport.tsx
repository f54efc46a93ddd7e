import { useEffect } from 'react';
import { useGpuStore } from './stores/gpuStore';

/** The adapter the page got, or why there is none and what to do. */
export function GpuReport() {
  const { probe, runProbe } = useGpuStore();
  useEffect(() => {
    void runProbe();
  }, [runProbe]);

  if (!probe) return <p data-testid="gpu-probing">Requesting a WebGPU adapter…</p>;
  if (!probe.ok) {
    return (
      <section className="panel error" data-testid="no-webgpu">
        <h2>WebGPU is not available</h2>
        <p data-testid="no-webgpu-reason">{probe.reason}</p>
        <p>{probe.advice}</p>
        <p>The CPU reference backend still runs everything here, slowly, with small settings.</p>
      </section>
    );
  }
  const r = probe.report;
  return (
    <section className="panel" data-testid="gpu-report">
      <h2>WebGPU adapter</h2>
      <dl className="kv">
        <dt>vendor</dt><dd data-testid="gpu-vendor">{r.vendor || '(not reported)'}</dd>
        <dt>architecture</dt><dd data-testid="gpu-architecture">{r.architecture || '(not reported)'}</dd>
        <dt>device</dt><dd>{r.device || r.description || '(not reported)'}</dd>
        <dt>fallback adapter</dt><dd>{r.isFallback ? 'yes (software)' : 'no'}</dd>
        <dt>shader-f16</dt><dd data-testid="gpu-f16">{r.shaderF16 ? 'yes' : 'no (f32 kernels only)'}</dd>
      </dl>
      <h3>Limits</h3>
      <table className="limits">
        <tbody>
          {Object.entries(r.limits).map(([k, v]) => (
            <tr key={k}><td>{k}</td><td>{v.toLocaleString('en-US')}</td></tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>{r.features.length} features</summary>
        <p>{r.features.join(', ')}</p>
      </details>
    </section>
  );
}
