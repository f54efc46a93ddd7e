// Runs a kernel case on a backend and judges one backend's outputs against the
// reference's: shared by the WebGPU checks (in the page) and the wasm checks (in Node).

import type { Backend, Tensor } from '../../src/backend/backend';
import type { Data, KernelCase } from './cases';
import { compare } from './compare';

export interface CaseResult {
  name: string;
  ok: boolean;
  relErr: number;
  error: string | null;
}

const TOL = 1e-4;

export async function execute(be: Backend, c: KernelCase): Promise<Record<string, Data>> {
  const t: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.inputs)) t[k] = be.fromArray(v.shape, v.data);
  for (const [k, v] of Object.entries(c.outputs)) {
    if (v.init === 'poison') {
      t[k] = be.zeros(v.shape, v.dtype ?? 'f32');
      be.fill(t[k], v.dtype === 'u32' ? 0xffffffff : NaN);
    } else t[k] = be.fromArray(v.shape, v.init);
  }
  c.run(be, t);
  const out: Record<string, Data> = {};
  for (const [k, v] of Object.entries(c.outputs))
    out[k] = v.dtype === 'u32' ? await be.readU32(t[k]) : await be.read(t[k]);
  for (const x of Object.values(t)) be.free(x);
  return out;
}

/** `got` (the backend under test) against `ref` (the CPU reference): the case's own check, or normwise relative error below 1e-4. */
export function judge(c: KernelCase, got: Record<string, Data>, ref: Record<string, Data>): Omit<CaseResult, 'name'> {
  if (c.check) {
    const e = c.check(got, ref, c.inputs);
    return { ok: e === null, relErr: 0, error: e };
  }
  let worst = 0;
  let err: string | null = null;
  for (const [k, v] of Object.entries(c.outputs)) {
    if (v.compare === false) continue;
    const cmp = compare(got[k], ref[k], TOL);
    worst = Math.max(worst, cmp.relErr);
    if (cmp.error && !err) err = `${k}: ${cmp.error}`;
  }
  return { ok: err === null, relErr: worst, error: err };
}
