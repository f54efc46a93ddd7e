/// <reference lib="webworker" />
// Reads another framework's rollout logs (a verl dump folder, TRL's completions) off the page's thread, so a file
// of 100,000 rows never freezes the page, and keeps the run to answer for its groups a page at a time. The page
// cancels an import by terminating this worker.

import { blobSource, importOutside } from '../bridge/importer';
import type { OutsideRunBuilder } from '../bridge/outsideRun';
import type { FromImport, ToImport } from './importProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromImport) => scope.postMessage(m);

let run: OutsideRunBuilder | null = null;
/** Progress reports at most this often, so the page is not flooded by small chunks. */
const PROGRESS_MS = 50;

scope.onmessage = async (ev: MessageEvent<ToImport>) => {
  const m = ev.data;
  if (m.type === 'import') {
    run = null;
    let last = 0;
    try {
      const built = await importOutside(
        m.files.map((f) => blobSource(f.name, f)),
        1,
        (p) => {
          const now = performance.now();
          if (now - last < PROGRESS_MS && p.loaded < p.total) return;
          last = now;
          post({ type: 'progress', ...p });
        },
      );
      run = built;
      post({ type: 'done', summary: built.summary() });
    } catch (e) {
      post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  } else if (m.type === 'groups') {
    if (!run) return post({ type: 'error', message: 'no run is imported' });
    post({ type: 'groups', req: m.req, ...run.groups(m.step, m.offset, m.limit) });
  }
};
