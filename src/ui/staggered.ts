// A value as a heavy view (a chart, the rollouts) shows it: each update waits `delayMs`, so that views updating
// together (every chart on a new step) each render and commit in a task of their own, none long. A view off screen
// passes `holdMs`: it then takes a minor change (`minor`: a run's new step) at most that often, and any other change,
// or any change once it is back on screen, at once; so the charts below the fold cost a fraction of a step's redraw,
// are never more than `holdMs` stale, and never miss a run that was added, renamed or deleted.

import { useEffect, useRef, useState } from 'react';

export function useStaggered<T>(value: T, delayMs = 0, holdMs = 0, minor?: (shown: T, next: T) => boolean): T {
  const [shown, setShown] = useState(value);
  const shownAt = useRef(0);
  useEffect(() => {
    if (shown === value) return;
    const held = holdMs > 0 && (minor?.(shown, value) ?? true);
    const wait = held ? Math.max(delayMs, shownAt.current + holdMs - performance.now()) : delayMs;
    const t = setTimeout(() => {
      shownAt.current = performance.now();
      setShown(value);
    }, wait);
    return () => clearTimeout(t);
  }, [value, shown, delayMs, holdMs, minor]);
  return shown;
}
