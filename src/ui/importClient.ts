// The page's side of the import worker: one worker per import, terminated to cancel it (a stalled parser
// cannot be interrupted any other way) or when a new import replaces it.

import type { FromImport, ToImport } from '../worker/importProtocol';
import { WorkerClient } from './workerClient';

export class ImportClient extends WorkerClient<ToImport, FromImport> {
  constructor(onMessage: (m: FromImport) => void) {
    super(new Worker(new URL('../worker/importWorker.ts', import.meta.url), { type: 'module' }), onMessage, (why) => ({
      type: 'error',
      message: `import worker failed: ${why || 'it could not start'}`,
    }));
  }
}
