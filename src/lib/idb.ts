// The IndexedDB plumbing that the kept runs (worker/runDb.ts) and the kept trainer states (ui/stores/snapshotDb.ts)
// share: one open per database, retried after a failure, and transactions that resolve only when they commit, with
// every browser error put in words by the caller's `explain`.

/** Turns a browser error into the caller's own error, saying what was not done. */
type Explain = (e: unknown, what: string) => Error;

/** A browser's IndexedDB error in words a user can act on, saying what was not done; `quota` when storage is full. */
export function idbFailure(e: unknown, what: string): { message: string; quota: boolean } {
  const err = e as DOMException | null;
  if (err?.name === 'QuotaExceededError')
    return { message: `${what}: the browser's storage for this page is full`, quota: true };
  return { message: `${what}: ${err?.message || err?.name || 'IndexedDB failed'}`, quota: false };
}

export interface IdbSpec {
  name: string;
  version: number;
  /** Creates the object stores (called on a first open or a version change). */
  upgrade(db: IDBDatabase): void;
  explain: Explain;
  /** Why there is no IndexedDB at all (a private window, storage blocked), in the caller's words. */
  missing(): Error;
  /** Why an open is blocked by another tab of an older version. */
  blocked(): Error;
}

export interface Idb {
  /** Runs `body` in one transaction over `stores`; resolves when it commits. `body` must only await IndexedDB requests. */
  tx<T>(
    stores: readonly string[],
    mode: IDBTransactionMode,
    what: string,
    body: (t: IDBTransaction) => Promise<T> | T,
  ): Promise<T>;
}

export function idb(spec: IdbSpec): Idb {
  let dbPromise: Promise<IDBDatabase> | null = null;
  const open = (): Promise<IDBDatabase> => {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise<IDBDatabase>((resolve, reject) => {
      if (typeof indexedDB === 'undefined' || indexedDB === null) {
        reject(spec.missing());
        return;
      }
      let r: IDBOpenDBRequest;
      try {
        r = indexedDB.open(spec.name, spec.version);
      } catch (e) {
        reject(spec.explain(e, 'IndexedDB cannot be opened'));
        return;
      }
      r.onupgradeneeded = () => spec.upgrade(r.result);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(spec.explain(r.error, 'IndexedDB cannot be opened'));
      r.onblocked = () => reject(spec.blocked());
    });
    // a failed open is retried next time (the user may have freed space or left private mode)
    dbPromise.catch(() => (dbPromise = null));
    return dbPromise;
  };
  return {
    async tx<T>(
      stores: readonly string[],
      mode: IDBTransactionMode,
      what: string,
      body: (t: IDBTransaction) => Promise<T> | T,
    ): Promise<T> {
      const db = await open();
      return new Promise<T>((resolve, reject) => {
        let t: IDBTransaction;
        try {
          t = db.transaction([...stores], mode);
        } catch (e) {
          reject(spec.explain(e, what));
          return;
        }
        let result: T;
        t.oncomplete = () => resolve(result);
        t.onabort = () => reject(spec.explain(t.error, what));
        Promise.resolve()
          .then(() => body(t))
          .then((r) => (result = r))
          .catch((e) => {
            try {
              t.abort();
            } catch {
              /* already finished */
            }
            reject(spec.explain(e, what));
          });
      });
    },
  };
}

/** An IndexedDB request as a promise. */
export const idbRequest = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
