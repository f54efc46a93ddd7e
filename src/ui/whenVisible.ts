// A value as a view on screen should show it: followed while the view is in the viewport, held while it is not (a
// chart scrolled away costs nothing as steps arrive), and brought up to date when it comes back. Each update is
// timed, render and commit, and the next waits until ten times that has passed: however heavy the view (a chart
// of many runs) and however fast the steps, it takes at most a tenth of the page's time. An update also waits
// `delayMs`, so that views on screen at once each render and commit in a task of their own.

import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';

/** The share of the page's time one view may take to follow its data. */
const SHARE = 0.1;

export function useWhenVisible<T>(value: T, ref: RefObject<Element | null>, delayMs = 0): T {
  const [visible, setVisible] = useState(true);
  const [shown, setShown] = useState(value);
  const timing = useRef({ started: 0, nextAt: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((es) => setVisible(es.some((e) => e.isIntersecting)), { rootMargin: '200px' });
    io.observe(el);
    return () => io.disconnect();
  }, [ref]);
  useEffect(() => {
    if (!visible || shown === value) return;
    const wait = Math.max(delayMs, timing.current.nextAt - performance.now());
    const t = setTimeout(() => {
      timing.current.started = performance.now();
      setShown(value);
    }, wait);
    return () => clearTimeout(t);
  }, [value, visible, shown, delayMs]);
  // after each commit (the first after an update is its own): what the update cost sets when the next may come
  useLayoutEffect(() => {
    const t = timing.current;
    if (!t.started) return;
    const now = performance.now();
    t.nextAt = now + ((now - t.started) * (1 - SHARE)) / SHARE;
    t.started = 0;
  });
  return shown;
}
