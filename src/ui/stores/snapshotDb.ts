// Trainer snapshots in IndexedDB, the newest one per run, for resuming after a
// reload. A snapshot's bytes and its entry are written in one transaction, so one
// half written when the tab dies is never read back; a checksum beside the bytes
// catches anything else (the trainer worker works it out as it posts the state; it is checked here on every read).
// Pruned to a byte budget, oldest first.

import { idb, idbFailure, idbRequest } from '../../lib/idb';
import { stateChecksum } from '../../worker/protocol';

/** What the page lists; the bytes stay in their own store until a resume asks for them. */
export interface SnapshotEntry {
  uid: string;
  label: string;
  step: number;
  size: number;
  savedAt: number;
  checksum: string;
}

const DB_NAME = 'mirl-playground';
const ENTRIES = 'snapshot-entries';
const BYTES = 'snapshot-bytes';

/** Why the page keeps no state: said once, where the runs are. */
class StorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageError';
  }
}

/** A browser error in words a user can act on. */
function explain(e: unknown, what: string): StorageError {
  const f = idbFailure(e, what);
  return new StorageError(f.quota ? `${f.message} (delete kept states below, or lower the budget)` : f.message);
}

const db = idb({
  name: DB_NAME,
  version: 1,
  upgrade(d) {
    d.createObjectStore(ENTRIES, { keyPath: 'uid' });
    d.createObjectStore(BYTES);
  },
  explain,
  missing: () =>
    new StorageError(
      'this browser gives the page no IndexedDB (a private window, or storage blocked): runs keep their curves over a reload, not their trainer state',
    ),
  blocked: () =>
    new StorageError('IndexedDB is blocked by another tab of an older version of this page: close it and reload'),
});

/** Runs `body` in one transaction over both stores; resolves when it commits. */
function tx<T>(
  mode: IDBTransactionMode,
  what: string,
  body: (entries: IDBObjectStore, bytes: IDBObjectStore) => Promise<T> | T,
): Promise<T> {
  return db.tx([ENTRIES, BYTES], mode, what, (t) => body(t.objectStore(ENTRIES), t.objectStore(BYTES)));
}

const req = idbRequest;

export async function listSnapshots(): Promise<SnapshotEntry[]> {
  const all = await tx('readonly', 'kept states cannot be listed', (entries) =>
    req(entries.getAll() as IDBRequest<SnapshotEntry[]>),
  );
  return all.sort((a, b) => a.savedAt - b.savedAt);
}

/** A state to keep: its step, its bytes and their stateChecksum (as the worker's 'snapshot' message carries them). */
export interface StateToKeep {
  step: number;
  bytes: Uint8Array;
  checksum: string;
}

/**
 * Stores the run's newest state (replacing its older one), then prunes other runs' states, oldest first, to
 * `budgetBytes`. Returns what was pruned. The checksum is stored as given: a wrong one makes the state unreadable
 * (getSnapshot refuses it), never a damaged state resumed.
 */
export async function putSnapshot(
  uid: string,
  label: string,
  { step, bytes, checksum }: StateToKeep,
  budgetBytes: number,
): Promise<SnapshotEntry[]> {
  const entry: SnapshotEntry = { uid, label, step, size: bytes.length, savedAt: Date.now(), checksum };
  // a copy the size of the data: IndexedDB keeps the buffer whole, views and all
  const data = bytes.slice().buffer;
  if (bytes.length > budgetBytes)
    throw new StorageError(
      `the state at step ${step} (${mb(bytes.length)}) is larger than the storage budget (${mb(budgetBytes)}): raise the budget`,
    );
  return tx('readwrite', `the state at step ${step} was not kept`, async (entries, blobs) => {
    const all = (await req(entries.getAll() as IDBRequest<SnapshotEntry[]>))
      .filter((e) => e.uid !== uid)
      .sort((a, b) => a.savedAt - b.savedAt);
    let total = all.reduce((s, e) => s + e.size, entry.size);
    const pruned: SnapshotEntry[] = [];
    for (const old of all) {
      if (total <= budgetBytes) break;
      entries.delete(old.uid);
      blobs.delete(old.uid);
      total -= old.size;
      pruned.push(old);
    }
    await req(blobs.put(data, uid));
    await req(entries.put(entry));
    return pruned;
  });
}

/** The stored state of a run, checked whole; says why when it cannot be used. */
export async function getSnapshot(uid: string): Promise<{ entry: SnapshotEntry; bytes: Uint8Array }> {
  const got = await tx('readonly', 'the kept state cannot be read', async (entries, blobs) => ({
    entry: (await req(entries.get(uid))) as SnapshotEntry | undefined,
    data: (await req(blobs.get(uid))) as ArrayBuffer | undefined,
  }));
  if (!got.entry || !got.data)
    throw new StorageError(
      'no state is kept for this run (deleted, pruned by the budget, or cleared with the site data)',
    );
  const bytes = new Uint8Array(got.data);
  if (bytes.length !== got.entry.size || stateChecksum(bytes) !== got.entry.checksum)
    throw new StorageError('the kept state is damaged (its checksum does not match): it cannot be resumed');
  return { entry: got.entry, bytes };
}

export async function deleteSnapshot(uid: string): Promise<void> {
  await tx('readwrite', 'the kept state was not deleted', (entries, blobs) => {
    entries.delete(uid);
    blobs.delete(uid);
  });
}

export const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
