import { create } from 'zustand';
import { probeWebGpu, type WebGpuProbe } from '../../gpu/device';
import { adapterName, chooseBackend, type ProbeOutcome } from '../backendChoice';
import { measureBackends } from '../probeClient';
import { useDraftStore } from './draftStore';

/**
 * How long the page waits for the probe at most. A hardware GPU answers well within it, pipelines compiled
 * and all; a software adapter (SwiftShader: 12 s to compile its pipelines on two cores, then 2.6 s a probe step
 * where wasm takes 40 ms) is not waited for long, since it cannot be the faster by a margin worth the wait.
 */
const PROBE_WAIT_MS = { hardware: 6000, software: 2500 };

interface GpuState {
  probe: WebGpuProbe | null;
  probing: boolean;
  /** The last backend measurement, once it has answered. */
  measured: ProbeOutcome | null;
  measuring: boolean;
  /** Asks for a WebGPU adapter, then, unless the user or a link chose the backend, measures which is faster. */
  runProbe(): Promise<void>;
  /** Times one small training step on each backend there is, and picks the faster (unless chosen meanwhile). */
  measure(): Promise<void>;
}

/** What the page knows about WebGPU and the backends on this machine. */
export const useGpuStore = create<GpuState>((set, get) => ({
  probe: null,
  probing: false,
  measured: null,
  measuring: false,
  async runProbe() {
    if (get().probing || get().probe) return;
    set({ probing: true });
    const probe = await probeWebGpu();
    set({ probe, probing: false });
    settle();
    if (useDraftStore.getState().backendBy === 'measuring') await get().measure();
  },
  async measure() {
    const { probe } = get();
    if (get().measuring || !probe) return;
    set({ measuring: true });
    const soft = probe.ok && adapterName(probe.report).includes('software');
    const outcome = await measureBackends(
      probe.ok ? ['wasm', 'webgpu'] : ['wasm'],
      soft ? PROBE_WAIT_MS.software : PROBE_WAIT_MS.hardware,
    );
    outcome.adapter = probe.ok ? probe.report : null;
    set({ measured: outcome, measuring: false });
    const { backend, why } = chooseBackend(outcome);
    useDraftStore.getState().pickBackend(backend, 'measured', why);
  },
}));

/**
 * Where the adapter is known and the backend picked: WebGPU swapped for WebAssembly SIMD where this
 * browser has none (whoever named it), and whether a link's run may start (not where the backend it
 * names is missing: it waits for Start). Null while the probe has not answered.
 */
function settle(): { usable: boolean } | null {
  const { probe } = useGpuStore.getState();
  const d = useDraftStore.getState();
  if (!probe) return null;
  const linkMissing = d.linkBackend === 'webgpu' && !probe.ok;
  if (d.backend === 'webgpu' && !probe.ok)
    d.pickBackend(
      'wasm',
      'only',
      linkMissing
        ? 'the link was made on WebGPU, which this browser lacks: set to WebAssembly SIMD, and not started (Start runs it here)'
        : 'WebGPU is not available here; WebAssembly SIMD is the fastest backend that is',
    );
  else if (!probe.ok && d.backendBy === 'measuring')
    d.pickBackend('wasm', 'only', 'the fastest backend here (this browser has no WebGPU)');
  return useDraftStore.getState().backendBy === 'measuring' ? null : { usable: !linkMissing };
}

/**
 * Resolves once the backend is settled: the probe has answered, and it is chosen, named by a link, or
 * measured. `usable` is false where the backend a link named is not here (the page then waits for Start).
 */
export function backendSettled(): Promise<{ usable: boolean }> {
  return new Promise((resolve) => {
    const now = settle();
    if (now) return resolve(now);
    const off: (() => void)[] = [];
    let done = false;
    const check = () => {
      if (done) return;
      const r = settle();
      if (!r) return;
      done = true;
      off.forEach((f) => f());
      resolve(r);
    };
    off.push(useGpuStore.subscribe(check), useDraftStore.subscribe(check));
  });
}
