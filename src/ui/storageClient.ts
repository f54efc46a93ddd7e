// The page's side of the storage worker: requests as promises. A worker that cannot start or dies fails every
// request with the reason, so the page says the runs are not saved rather than waiting for ever.

import type { RunFile } from '../rl/runFile';
import type { FromStorage, StoredRun, ToStorage } from '../worker/storageProtocol';

type Request = ToStorage extends infer T ? (T extends { req: number } ? Omit<T, 'req'> : never) : never;

/** A failed request: `quota` when the browser's storage is full. */
export class StorageFailure extends Error {
  constructor(
    message: string,
    readonly quota: boolean,
  ) {
    super(message);
    this.name = 'StorageFailure';
  }
}

export class StorageClient {
  private worker: Worker | null = null;
  private next = 1;
  private waiting = new Map<number, { resolve: (m: FromStorage) => void; reject: (e: Error) => void }>();
  private onRun = new Map<number, (run: StoredRun) => void>();

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('../worker/storageWorker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (ev: MessageEvent<FromStorage>) => {
      const m = ev.data;
      if (m.type === 'run') return this.onRun.get(m.req)?.(m.run);
      const p = this.waiting.get(m.req);
      this.waiting.delete(m.req);
      if (m.type === 'error') p?.reject(new StorageFailure(m.message, m.quota));
      else p?.resolve(m);
    };
    w.onerror = (ev) => {
      const why = `the storage worker failed: ${ev.message || 'it could not start'}`;
      for (const p of this.waiting.values()) p.reject(new StorageFailure(why, false));
      this.waiting.clear();
      this.worker = null;
    };
    this.worker = w;
    return w;
  }

  request(m: Request): Promise<FromStorage> {
    const req = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(req, { resolve, reject });
      this.start().postMessage({ ...m, req } as ToStorage);
    });
  }

  /** Every kept run, as the worker reads them back, one message (and one short task here) each. */
  async readAll(): Promise<StoredRun[]> {
    const runs: StoredRun[] = [];
    const req = this.next;
    this.onRun.set(req, (r) => runs.push(r));
    try {
      await this.request({ type: 'read' });
    } finally {
      this.onRun.delete(req);
    }
    return runs;
  }

  /** Ends the worker (a client made for one job, such as loading files); a later request starts another. */
  close(): void {
    this.worker?.terminate();
    this.worker = null;
    for (const p of this.waiting.values()) p.reject(new StorageFailure('the storage worker was closed', false));
    this.waiting.clear();
  }

  /** A run file's text read and checked off the page's thread: the run, or an Error saying what is wrong with it. */
  async parseRunFile(text: string): Promise<RunFile> {
    const m = await this.request({ type: 'parse', text });
    if (m.type !== 'parsed') throw new Error('the storage worker did not answer the run file');
    return m.file;
  }
}
