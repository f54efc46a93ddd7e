// A value as a view should show it. While a run trains, the view follows it only while it is in the viewport (a
// chart scrolled away costs nothing as steps arrive, and is brought up to date when it comes back), and each update
// is timed, render and commit, and no view's next update comes until nine times that has passed: however heavy the
// views (charts of many runs) and however fast the steps, together they take at most a tenth of the page's time.
// With nothing training (an import, a reload), every view updates at once. An update also waits `delayMs`, so that
// views updating together each render and commit in a task of their own.

import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { useRunStore } from './stores/runStore';

/** A run is training now: the views share the budget. */
function training(): boolean {
  const s = useRunStore.getState();
  const live = s.runs.find((r) => r.id === s.liveId);
  return live !== undefined && (live.status === 'running' || live.status === 'loading');
}

/** The share of the page's time the views together may take to follow their data. */
const SHARE = 0.1;
/** The longest one update makes the next wait. */
const MAX_WAIT_MS = 1000;
/** When the next update of any view may start: one budget for the page, not one per view. */
const budget = { nextAt: 0 };

export function useWhenVisible<T>(value: T, ref: RefObject<Element | null>, delayMs = 0): T {
  const [visible, setVisible] = useState(true);
  const [shown, setShown] = useState(value);
  const timing = useRef({ started: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((es) => setVisible(es.some((e) => e.isIntersecting)), { rootMargin: '200px' });
    io.observe(el);
    return () => io.disconnect();
  }, [ref]);
  useEffect(() => {
    if (shown === value || (!visible && training())) return;
    let t: ReturnType<typeof setTimeout>;
    const attempt = (wait: number) => {
      t = setTimeout(() => {
        // another view may have taken the budget meanwhile: wait for it again
        const now = performance.now();
        if (now < budget.nextAt && training()) return attempt(budget.nextAt - now);
        timing.current.started = now;
        setShown(value);
      }, wait);
    };
    attempt(Math.max(delayMs, training() ? budget.nextAt - performance.now() : 0));
    return () => clearTimeout(t);
  }, [value, visible, shown, delayMs]);
  // after each commit (the first after an update is its own): what the update cost sets when the next may come
  useLayoutEffect(() => {
    const t = timing.current;
    if (!t.started) return;
    const now = performance.now();
    // at most MAX_WAIT_MS: views far heavier than a chart of a few runs are allowed more, never left behind long
    budget.nextAt = Math.max(budget.nextAt, now + Math.min(MAX_WAIT_MS, ((now - t.started) * (1 - SHARE)) / SHARE));
    t.started = 0;
  });
  return shown;
}
