// The runs kept for a reload, in IndexedDB: a small head per run (config, label, status) and one record per step
// (its metrics, and its rollouts as compact bytes: src/ui/share/recordCodec.ts). A step is appended in one
// transaction with its run's head, which counts the steps written, so a run comes back whole or says what it lacks;
// the list of runs is never rewritten. Records that fail their check are moved to an aside store, as they were.

import { idb, idbFailure, idbRequest } from '../lib/idb';

/** What is kept of a run besides its steps. */
export interface RunHead {
  uid: string;
  id: number;
  label: string;
  backend: 'webgpu' | 'wasm' | 'cpu';
  config: unknown;
  status: string;
  step: number;
  error: string | null;
  /** How many step records the run has: a reload that finds fewer says so. */
  steps: number;
  /** Order of the runs in the list. */
  order: number;
}

/** One step: its metrics (structured clone keeps NaN), and its records as encodeRecords' bytes. */
export interface StepEntry {
  uid: string;
  index: number;
  metrics: unknown;
  records: Uint8Array;
}

const DB_NAME = 'mirl-playground-runs';
const HEADS = 'heads';
const STEPS = 'steps';
const ASIDE = 'aside';

/** A storage failure in words a user can act on; `quota` when the browser's storage is full. */
export class RunStorageError extends Error {
  readonly quota: boolean;
  constructor(message: string, quota = false) {
    super(message);
    this.name = 'RunStorageError';
    this.quota = quota;
  }
}

function explain(e: unknown, what: string): RunStorageError {
  if (e instanceof RunStorageError) return e;
  const f = idbFailure(e, what);
  return new RunStorageError(f.message, f.quota);
}

const db = idb({
  name: DB_NAME,
  version: 1,
  upgrade(d) {
    d.createObjectStore(HEADS, { keyPath: 'uid' });
    d.createObjectStore(STEPS, { keyPath: ['uid', 'index'] });
    d.createObjectStore(ASIDE, { autoIncrement: true });
  },
  explain,
  missing: () => new RunStorageError('this browser gives the page no IndexedDB (a private window, or storage blocked)'),
  blocked: () => new RunStorageError('IndexedDB is blocked by another tab of an older version of this page'),
});

type Stores = { heads: IDBObjectStore; steps: IDBObjectStore; aside: IDBObjectStore };

/** Runs `body` in one transaction over the three stores; resolves when it commits. */
function tx<T>(mode: IDBTransactionMode, what: string, body: (s: Stores) => Promise<T> | T): Promise<T> {
  return db.tx([HEADS, STEPS, ASIDE], mode, what, (t) =>
    body({ heads: t.objectStore(HEADS), steps: t.objectStore(STEPS), aside: t.objectStore(ASIDE) }),
  );
}

const req = idbRequest;

const stepRange = (uid: string, from = 0) => IDBKeyRange.bound([uid, from], [uid, Infinity]);

/**
 * Writes the run's head and its steps from `from` on (those at and after `from` that were kept are replaced,
 * `entries` are the new ones from `from`), in one transaction: all of it is kept, or none.
 */
export function writeRun(head: RunHead, from: number, entries: readonly StepEntry[]): Promise<void> {
  return tx('readwrite', `"${head.label}" was not saved`, (s) => {
    s.steps.delete(stepRange(head.uid, from));
    for (const e of entries) s.steps.put(e);
    s.heads.put(head);
  });
}

/** Writes the head alone (a status, a label). */
export function writeHead(head: RunHead): Promise<void> {
  return tx('readwrite', `"${head.label}" was not saved`, (s) => void s.heads.put(head));
}

export function deleteRunData(uid: string): Promise<void> {
  return tx('readwrite', 'the run was not deleted', (s) => {
    s.steps.delete(stepRange(uid));
    s.heads.delete(uid);
  });
}

/** Every kept run's head, in list order. */
export async function readHeads(): Promise<unknown[]> {
  return tx('readonly', 'the saved runs cannot be read', (s) => req(s.heads.getAll()));
}

/** The step records of one run, by index. */
export async function readSteps(uid: string): Promise<unknown[]> {
  return tx('readonly', 'the saved runs cannot be read', (s) => req(s.steps.getAll(stepRange(uid))));
}

/** Moves a run that failed its check aside, as it was, with the reason; its records leave the run stores. */
export function setAside(uid: unknown, reason: string, head: unknown, steps: unknown[]): Promise<void> {
  return tx('readwrite', 'a damaged run could not be set aside', (s) => {
    s.aside.add({ reason, head, steps, at: Date.now() });
    if (typeof uid === 'string') {
      s.steps.delete(stepRange(uid));
      s.heads.delete(uid);
    } else if (uid !== undefined && uid !== null) {
      try {
        s.heads.delete(uid as IDBValidKey);
      } catch {
        /* not a key: nothing stored under it */
      }
    }
  });
}

/** How many damaged runs are kept aside. */
export function countAside(): Promise<number> {
  return tx('readonly', 'the runs set aside cannot be counted', (s) => req(s.aside.count()));
}
