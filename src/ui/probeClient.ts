// The page's side of the backend probe: one worker, ended once it has answered or the page stops
// waiting for it (a software WebGPU adapter can take seconds to compile its pipelines).

import wasmPath from '../backend/wasm/kernels.wasm?url';
import type { AdapterReport } from '../gpu/device';
import type { FromProbe, ProbedKind } from '../worker/probeProtocol';
import type { ProbeOutcome } from './backendChoice';

/** Times each of `kinds` in turn; gives what it has after `waitMs`. */
export function measureBackends(kinds: ProbedKind[], waitMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const out: ProbeOutcome = { timed: [], failed: [], late: [], waitedMs: 0, adapter: null as AdapterReport | null };
    const worker = new Worker(new URL('../worker/probeWorker.ts', import.meta.url), { type: 'module' });
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      worker.terminate();
      out.waitedMs = performance.now() - t0;
      const answered = new Set([...out.timed.map((t) => t.kind), ...out.failed.map((f) => f.kind)]);
      out.late = kinds.filter((k) => !answered.has(k));
      resolve(out);
    };
    const timer = setTimeout(finish, waitMs);
    worker.onmessage = (ev: MessageEvent<FromProbe>) => {
      const m = ev.data;
      if (m.type === 'timed') {
        out.timed.push({ kind: m.kind, firstMs: m.firstMs, ms: m.ms });
        if (m.adapter) out.adapter = m.adapter;
      } else if (m.type === 'failed') out.failed.push({ kind: m.kind, message: m.message });
      else finish();
    };
    worker.onerror = (ev) => {
      for (const k of kinds)
        if (!out.timed.some((t) => t.kind === k) && !out.failed.some((f) => f.kind === k))
          out.failed.push({ kind: k, message: `the probe worker failed: ${ev.message || 'it could not start'}` });
      finish();
    };
    worker.postMessage({ type: 'probe', kinds, wasmUrl: new URL(wasmPath, location.href).href });
  });
}
