// The runs as the heavy views (charts, rollouts, the teaching verdict) read them: the same array until a run's curves
// or name change (a status or a kept state does not redraw a chart), and deferred, so React renders those views in
// slices that yield to input: a step's redraw never holds the page, and Stop answers at once.

import { useDeferredValue, useSyncExternalStore } from 'react';
import { useRunStore, type Run } from './stores/runStore';

const signature = (runs: readonly Run[]) =>
  runs.map((r) => `${r.id}\u0000${r.label}\u0000${r.metrics.length}\u0000${r.records.length}`).join('\u0001');

// one for the page: a pure function of the store's runs, so every view may share it
let cache: { sig: string; runs: Run[] } | null = null;
function settled(): Run[] {
  const runs = useRunStore.getState().runs;
  if (cache?.runs === runs) return runs;
  const sig = signature(runs);
  if (cache?.sig !== sig) cache = { sig, runs };
  return cache.runs;
}

export function useSettledRuns(): Run[] {
  return useDeferredValue(useSyncExternalStore(useRunStore.subscribe, settled));
}
