/// <reference lib="webworker" />
// Keeps the runs in IndexedDB off the page's thread: a step's rollouts are encoded here (recordCodec.ts) and appended
// with their run's head in one transaction (runDb.ts). Requests are served one at a time, in the order they came,
// so a cut of a run is never overtaken by an older append.

import type { RLConfig } from '../rl/config';
import { importRun } from '../rl/runFile';
import { checkSavedRun } from '../rl/savedRun';
import type { PromptRecord, StepMetrics } from '../rl/types';
import { decodeRecords, encodeRecords } from './recordCodec';
import {
  deleteRunData,
  readHeads,
  readSteps,
  RunStorageError,
  setAside,
  writeHead,
  writeRun,
  type RunHead,
  type StepEntry,
} from './runDb';
import type { FromStorage, StoredRun, ToStorage } from './storageProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromStorage) => scope.postMessage(m);

/** One kept run, decoded and checked as an imported file is; the stored objects are what the page gets. */
async function readRun(head: Partial<RunHead>): Promise<StoredRun> {
  try {
    if (typeof head.uid !== 'string') throw new Error('it has no id');
    const steps = (await readSteps(head.uid)) as StepEntry[];
    const metrics: StepMetrics[] = [];
    const records: PromptRecord[] = [];
    for (const [i, s] of steps.entries()) {
      if (s.index !== i) throw new Error(`step ${i} is missing`);
      if (s.metrics !== null) metrics.push(s.metrics as StepMetrics);
      if (!(s.records instanceof Uint8Array)) throw new Error(`step ${i} has no rollouts`);
      records.push(...(await decodeRecords(s.records)));
    }
    const checked = checkSavedRun({ ...head, metrics, records });
    if (checked instanceof Error) throw checked;
    // a config saved before a setting existed takes the check's, with that setting's default
    const raw = head.config as Record<string, unknown>;
    const config = Object.keys(raw).length === Object.keys(checked.config).length ? (raw as RLConfig) : checked.config;
    const run = { ...checked, metrics, records, config, uid: head.uid };
    if (steps.length !== head.steps)
      // a write is one transaction with its head, so this is storage damaged from outside: said, never hidden
      run.error = `came back with ${steps.length} of its ${head.steps} steps: the others were lost from storage`;
    return { head, run, damage: null };
  } catch (e) {
    return { head, run: null, damage: (e as Error).message };
  }
}

/** Posts every kept run, in list order, a message each. */
async function readAll(req: number): Promise<void> {
  const heads = (await readHeads()) as Partial<RunHead>[];
  heads.sort((a, b) => (Number(a.order) || 0) - (Number(b.order) || 0));
  for (const head of heads) post({ type: 'run', req, run: await readRun(head) });
}

async function serve(m: ToStorage): Promise<FromStorage> {
  switch (m.type) {
    case 'write': {
      const entries: StepEntry[] = [];
      for (const [i, p] of m.parts.entries())
        entries.push({ uid: m.head.uid, index: m.from + i, metrics: p.m, records: await encodeRecords(p.recs) });
      await writeRun(m.head, m.from, entries);
      return { type: 'ok', req: m.req };
    }
    case 'head':
      await writeHead(m.head);
      return { type: 'ok', req: m.req };
    case 'delete':
      await deleteRunData(m.uid);
      return { type: 'ok', req: m.req };
    case 'read':
      await readAll(m.req);
      return { type: 'ok', req: m.req };
    case 'aside': {
      const heads = (await readHeads()) as Partial<RunHead>[];
      const steps = await readSteps(m.uid).catch(() => []);
      await setAside(m.uid, m.reason, heads.find((h) => h.uid === m.uid) ?? null, steps);
      return { type: 'ok', req: m.req };
    }
    case 'parse':
      return { type: 'parsed', req: m.req, file: importRun(m.text) };
  }
}

let queue: Promise<void> = Promise.resolve();
scope.onmessage = (ev: MessageEvent<ToStorage>) => {
  const m = ev.data;
  queue = queue.then(async () => {
    try {
      post(await serve(m));
    } catch (e) {
      const quota = e instanceof RunStorageError && e.quota;
      post({ type: 'error', req: m.req, message: (e as Error).message, quota });
    }
  });
};
