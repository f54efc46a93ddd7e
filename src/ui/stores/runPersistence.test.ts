// What the page keeps of its runs for a reload: the runs cut into steps and joined back exactly, only what changed
// written, and a failed write (a full quota) said once, kept trying, and never taken for written.
import { describe, expect, it } from 'vitest';
import type { PromptRecord, StepMetrics } from '../../rl/types';
import type { ToStorage } from '../../worker/storageProtocol';
import { StorageFailure } from '../storageClient';
import { partsOf, RunPersister, type KeptRun } from './runPersistence';

describe('partsOf', () => {
  const rec = (step: number, index: number) => ({ step, index }) as PromptRecord;
  const met = (step: number) => ({ step }) as StepMetrics;
  const joined = (parts: ReturnType<typeof partsOf>) => ({
    metrics: parts.flatMap((p) => (p.m ? [p.m] : [])),
    records: parts.flatMap((p) => p.recs),
  });

  it('puts each step with its records, and joined back gives both arrays in their order', () => {
    const run = { metrics: [met(0), met(1), met(2)], records: [rec(0, 0), rec(0, 1), rec(2, 0)] };
    const parts = partsOf(run);
    expect(parts.map((p) => p.recs.length)).toEqual([2, 0, 1]);
    expect(joined(parts)).toEqual(run);
  });

  it('keeps any order a file had, and records of steps without metrics', () => {
    const run = { metrics: [met(0), met(1)], records: [rec(1, 0), rec(0, 0), rec(5, 0)] };
    expect(joined(partsOf(run))).toEqual(run);
    const only = { metrics: [], records: [rec(3, 0)] };
    expect(joined(partsOf(only))).toEqual(only);
  });
});

describe('RunPersister', () => {
  const met = (step: number) => ({ step }) as StepMetrics;
  const rec = (step: number) => ({ step, index: 0 }) as PromptRecord;
  const run = (over: Partial<KeptRun> = {}): KeptRun => ({
    id: 1,
    uid: 'u1',
    label: 'a run',
    backend: 'wasm',
    config: {},
    status: 'running',
    step: 0,
    error: null,
    metrics: [],
    records: [],
    ...over,
  });
  /** A sink that records what was asked, failing while `full` says so. */
  const sink = () => {
    const asked: ToStorage[] = [];
    const s = {
      full: false,
      asked,
      request(m: Omit<ToStorage, 'req'>) {
        asked.push({ ...m, req: asked.length } as ToStorage);
        return s.full
          ? Promise.reject(new StorageFailure("the browser's storage for this page is full", true))
          : Promise.resolve({ type: 'ok' as const, req: asked.length });
      },
    };
    return s;
  };
  const writes = (asked: ToStorage[]) =>
    asked.map((m) => (m.type === 'write' ? `write ${m.from}+${m.parts.length}` : m.type));

  it('appends a step with the head, writes the head alone for a status, and rewrites from a cut', async () => {
    const s = sink();
    const p = new RunPersister(s, { failed: () => {}, saved: () => {} });
    let r = run();
    p.sync([r]);
    await p.flushed();
    for (let i = 0; i < 3; i++) {
      r = { ...r, metrics: [...r.metrics, met(i)], records: [...r.records, rec(i)], step: i + 1 };
      p.sync([r]);
      await p.flushed();
    }
    r = { ...r, status: 'done' };
    p.sync([r]);
    await p.flushed();
    // the same run again changes nothing
    p.sync([r]);
    await p.flushed();
    // a resume from step 1: the steps after it go
    r = { ...r, metrics: r.metrics.slice(0, 1), records: r.records.slice(0, 1), step: 1 };
    p.sync([r]);
    await p.flushed();
    p.sync([]);
    await p.flushed();
    expect(writes(s.asked)).toEqual([
      'write 0+0',
      'write 0+1',
      'write 1+1',
      'write 2+1',
      'head',
      'write 1+0',
      'delete',
    ]);
  });

  it('a run that was read back is not written again until it changes', async () => {
    const s = sink();
    const p = new RunPersister(s, { failed: () => {}, saved: () => {} });
    const r = run({ metrics: [met(0)], records: [rec(0)], status: 'done' });
    p.adopt(r);
    p.sync([r]);
    await p.flushed();
    expect(s.asked).toEqual([]);
  });

  it('a full quota is said once, keeps nothing half written, and the next change writes every step not yet kept', async () => {
    const s = sink();
    const said: string[] = [];
    const p = new RunPersister(s, {
      failed: (r, e) => said.push(`${r.label}: ${e.quota ? 'quota' : e.message}`),
      saved: (r) => said.push(`${r.label}: saved`),
    });
    let r = run();
    p.sync([r]);
    await p.flushed();
    s.full = true;
    r = { ...r, metrics: [met(0)], records: [rec(0)] };
    p.sync([r]);
    await p.flushed();
    r = { ...r, metrics: [met(0), met(1)], records: [rec(0), rec(1)] };
    p.sync([r]);
    await p.flushed();
    s.full = false;
    r = { ...r, metrics: [...r.metrics, met(2)], records: [...r.records, rec(2)] };
    p.sync([r]);
    await p.flushed();
    // the failed steps were never taken for written: the write that succeeds carries all three
    expect(writes(s.asked)).toEqual(['write 0+0', 'write 0+1', 'write 0+2', 'write 0+3']);
    expect(said).toEqual(['a run: quota', 'a run: quota', 'a run: saved']);
  });
});
