// Whether an element is on screen (or within a screen's margin of it), from one IntersectionObserver for the page:
// heavy views off screen update less often (see staggered.ts).

import { useEffect, useState, type RefObject } from 'react';

type Listener = (on: boolean) => void;
const listeners = new Map<Element, Listener>();
let observer: IntersectionObserver | null = null;

function shared(): IntersectionObserver | null {
  if (observer || typeof IntersectionObserver === 'undefined') return observer;
  observer = new IntersectionObserver(
    (entries) => {
      for (const e of entries) listeners.get(e.target)?.(e.isIntersecting);
    },
    // a little ahead of the scroll, so a chart is current by the time it shows
    { rootMargin: '200px 0px' },
  );
  return observer;
}

/** True until the observer first says otherwise, and always where there is no IntersectionObserver. */
export function useOnScreen(ref: RefObject<Element | null>): boolean {
  const [on, setOn] = useState(true);
  useEffect(() => {
    const el = ref.current;
    const io = shared();
    if (!el || !io) return;
    listeners.set(el, setOn);
    io.observe(el);
    return () => {
      io.unobserve(el);
      listeners.delete(el);
    };
  }, [ref]);
  return on;
}
