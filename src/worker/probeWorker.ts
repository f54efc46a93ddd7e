/// <reference lib="webworker" />
// Times one small training step on each backend asked for, off the page's thread, and posts each
// timing as it comes. The page ends this worker when it has its answer (or stops waiting).

import { createBackend } from '../backend/create';
import { timeProbeStep } from '../model/probeStep';
import type { FromProbe, ToProbe } from './probeProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromProbe) => scope.postMessage(m);

scope.onmessage = async (ev: MessageEvent<ToProbe>) => {
  const m = ev.data;
  for (const kind of m.kinds) {
    try {
      const { be, adapter } = await createBackend(kind, undefined, m.wasmUrl);
      const t = await timeProbeStep(be);
      post({ type: 'timed', kind, firstMs: t.firstMs, ms: t.ms, adapter });
    } catch (e) {
      post({ type: 'failed', kind, message: e instanceof Error ? e.message : String(e) });
    }
  }
  post({ type: 'done' });
};
