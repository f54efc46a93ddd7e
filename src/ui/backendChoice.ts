// Which backend the page uses when the user has not chosen: the faster in a short probe of one
// small training step on each (src/model/probeStep.ts), said in one line beside the field.

import type { AdapterReport } from '../gpu/device';
import type { ProbedKind } from '../worker/probeProtocol';

export interface ProbeOutcome {
  timed: { kind: ProbedKind; firstMs: number; ms: number }[];
  /** Backends that could not run the step, with why. */
  failed: { kind: ProbedKind; message: string }[];
  /** Backends still going when the page stopped waiting (after `waitedMs`). */
  late: ProbedKind[];
  waitedMs: number;
  /** The WebGPU adapter, where there is one. */
  adapter: AdapterReport | null;
}

const BACKEND_NAMES: Record<ProbedKind | 'cpu', string> = {
  webgpu: 'WebGPU',
  wasm: 'WebAssembly SIMD',
  cpu: 'CPU reference',
};

/** WebGPU named with its adapter, and "software" where the adapter is a CPU emulation (SwiftShader). */
export function adapterName(a: AdapterReport | null): string {
  if (!a) return 'WebGPU';
  const what = a.architecture || a.vendor || a.description;
  const soft = a.isFallback || /swiftshader|llvmpipe|lavapipe|software/i.test(`${a.architecture} ${a.description}`);
  return `WebGPU (${[what, soft ? 'software' : ''].filter(Boolean).join(', ')})`;
}

const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);

/**
 * The faster measured backend; when none could be measured, WebGPU on a hardware adapter and
 * WebAssembly SIMD otherwise (a software adapter never wins without a measurement saying so).
 */
export function chooseBackend(o: ProbeOutcome): { backend: ProbedKind; why: string } {
  const name = (k: ProbedKind) => (k === 'webgpu' ? adapterName(o.adapter) : BACKEND_NAMES[k]);
  const timed = [...o.timed].sort((a, b) => a.ms - b.ms);
  const notes = [
    ...o.failed.map((f) => `${name(f.kind)} failed (${f.message.slice(0, 80)})`),
    ...o.late.map((k) => `${name(k)} had not finished after ${ms(o.waitedMs)}`),
  ];
  if (timed.length === 0) {
    const soft = adapterName(o.adapter).includes('software');
    const backend: ProbedKind = o.adapter && !soft ? 'webgpu' : 'wasm';
    return { backend, why: `not measured (${notes.join('; ') || 'no backend answered'}): ${name(backend)} by default` };
  }
  const [best, next] = timed;
  const per = timed.map((t) => `${name(t.kind)} ${ms(t.ms)}`).join(', ');
  const ratio = next ? `, ${(next.ms / Math.max(best.ms, 1e-3)).toFixed(1)}× faster` : '';
  return {
    backend: best.kind,
    why: `measured faster here: one small training step took ${per}${ratio}${notes.length ? `; ${notes.join('; ')}` : ''}`,
  };
}
