// A value as a heavy view (a chart, the rollouts) shows it: each update waits `delayMs`, so that views updating
// together (every chart on a new step) each render and commit in a task of their own, none long. A shared budget
// that held views off screen and kept them to a tenth of the time while a run trains measured lower still (7.5% in
// long tasks), but left charts below the fold seconds stale while training: left out for now (see docs/engineering.md).

import { useEffect, useState } from 'react';

export function useStaggered<T>(value: T, delayMs = 0): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    if (shown === value) return;
    const t = setTimeout(() => setShown(value), delayMs);
    return () => clearTimeout(t);
  }, [value, shown, delayMs]);
  return shown;
}
