// The page's side of the import worker: one worker per import, terminated to cancel it (a stalled parser
// cannot be interrupted any other way) or when a new import replaces it.

import type { FromImport, ToImport } from '../worker/importProtocol';

export class ImportClient {
  private readonly worker: Worker;
  constructor(onMessage: (m: FromImport) => void) {
    this.worker = new Worker(new URL('../worker/importWorker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<FromImport>) => onMessage(ev.data);
    this.worker.onerror = (ev) =>
      onMessage({ type: 'error', message: `import worker failed: ${ev.message || 'it could not start'}` });
  }
  send(m: ToImport): void {
    this.worker.postMessage(m);
  }
  terminate(): void {
    this.worker.terminate();
  }
}
