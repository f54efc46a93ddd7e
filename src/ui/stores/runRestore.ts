// The run store's runs kept for a reload: the persister (runPersistence.ts) watching the store, and on a load the
// runs read back from IndexedDB (and any an older page left in localStorage), then which of them can resume.

import type { StoreApi } from 'zustand';
import type { RLConfig } from '../../rl/config';
import { checkSavedRun } from '../../rl/savedRun';
import { RunPersister, restoreRuns, type KeptRun } from './runPersistence';
import type { StorageClient } from '../storageClient';
import { heldRuns } from './runLock';
import { newUid, type Run } from './run';
import type { Store, StoreParts } from './runStoreTypes';

const SAVED_RUNS = 'mirl-playground-runs';
const SAVED_UNREADABLE = 'mirl-playground-runs-unreadable';

/**
 * Runs saved by pages before IndexedDB kept them (one list in localStorage), each checked as an imported file is.
 * They go to IndexedDB through the persister; the list leaves localStorage once they are written. One that fails its
 * check is moved, as it was, under SAVED_UNREADABLE and named.
 */
function legacyRuns(): { runs: KeptRun[]; notices: string[]; clear: () => void } {
  const none = { runs: [], notices: [], clear: () => {} };
  let raw: string | null;
  try {
    raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(SAVED_RUNS);
  } catch {
    return none;
  }
  if (raw === null) return none;
  const clear = () => {
    try {
      localStorage.removeItem(SAVED_RUNS);
    } catch {
      /* it is read again next time, and written again then */
    }
  };
  const aside = (entries: unknown[]): boolean => {
    try {
      const prev = localStorage.getItem(SAVED_UNREADABLE);
      let list: unknown[] = [];
      if (prev !== null) {
        try {
          const p = JSON.parse(prev) as unknown;
          list = Array.isArray(p) ? p : [p];
        } catch {
          list = [prev];
        }
      }
      localStorage.setItem(SAVED_UNREADABLE, JSON.stringify([...list, ...entries]));
      return true;
    } catch {
      return false;
    }
  };
  let entries: unknown;
  try {
    entries = JSON.parse(raw);
  } catch (e) {
    const moved = aside([raw]);
    return {
      runs: [],
      notices: [
        `the saved runs could not be read (${(e as Error).message})${moved ? `; they are kept aside under localStorage ${SAVED_UNREADABLE}` : ''}`,
      ],
      clear: moved ? clear : () => {},
    };
  }
  const list = Array.isArray(entries) ? entries : [entries];
  const runs: KeptRun[] = [];
  const notices: string[] = [];
  const bad: unknown[] = [];
  const seen = new Set<number>();
  list.forEach((entry, i) => {
    const r = checkSavedRun(entry);
    const dup = !(r instanceof Error) && seen.has(r.id);
    if (r instanceof Error || dup) {
      const label = (entry as { label?: unknown })?.label;
      notices.push(
        `saved run ${typeof label === 'string' ? `"${label}"` : `#${i + 1}`} was not restored: ${dup ? 'its id repeats another' : (r as Error).message}; it is kept aside under localStorage ${SAVED_UNREADABLE}`,
      );
      bad.push(entry);
      return;
    }
    seen.add(r.id);
    runs.push({ ...r, uid: r.uid ?? newUid() });
  });
  // the list goes only when what failed is safe aside
  const moved = bad.length === 0 || aside(bad);
  return { runs, notices, clear: moved ? clear : () => {} };
}

const RESTORABLE = ['done', 'stopped', 'error', 'imported', 'restored'] as const;

/** A kept run as the page shows it: one that was live when the page went is 'restored' (its trainer is gone). */
function asRun(r: KeptRun): Run {
  const status = RESTORABLE.find((x) => x === r.status) ?? 'restored';
  // older pages stored the resume note as the run's error: the row now says it from what is kept
  const error = r.error?.startsWith('restored after a reload:') ? null : r.error;
  return { ...r, config: r.config as RLConfig, status, error, keptStep: null };
}

/** Keeps the store's runs for a reload, and on a page (not in a test's store) brings back those kept. */
export function keepForReload(store: StoreApi<Store>, storage: StorageClient, ids: StoreParts['ids']): void {
  const persister = new RunPersister(storage, {
    failed(run, error) {
      const st = store.getState();
      if (st.unsaved[run.uid] === error.message) return;
      const why = error.quota ? "the browser's storage for this page is full" : error.message;
      store.setState((s) => ({
        unsaved: { ...s.unsaved, [run.uid]: why },
        // said once per run, with the way to keep it: its export (the row's button)
        notices: s.unsaved[run.uid]
          ? s.notices
          : [
              ...s.notices,
              `"${run.label}" was not saved for a reload (${why}); the runs saved before are intact. Export it with its row's JSON button to keep it, or delete other runs to make room.`,
            ],
      }));
    },
    saved(run) {
      store.setState((s) => {
        const { [run.uid]: _gone, ...rest } = s.unsaved;
        return { unsaved: rest };
      });
    },
  });

  /** On a load: the runs from IndexedDB (and any an older page left in localStorage), then which can resume. */
  const restore = async (): Promise<void> => {
    const legacy = legacyRuns();
    let found: KeptRun[] = [];
    const notices: string[] = [...legacy.notices];
    try {
      const r = await restoreRuns(storage);
      found = r.runs;
      notices.push(...r.notices);
    } catch (e) {
      notices.push(`the saved runs could not be read: ${(e as Error).message}`);
    }
    const byUid = new Set(found.map((r) => r.uid));
    const runs = found.map(asRun);
    // adopted as written: the persister writes them again only when they change
    for (const r of runs) persister.adopt(r);
    const migrated = legacy.runs.filter((r) => !byUid.has(r.uid)).map(asRun);
    store.setState((s) => {
      // runs started or imported before the load finished keep their place after the kept ones, and ids stay unique
      const all = [...runs, ...migrated];
      const taken = new Set(all.map((r) => r.id));
      const fresh = s.runs.map((r) => (taken.has(r.id) ? { ...r, id: Math.max(...taken, ids.next) + 1 } : r));
      ids.next = Math.max(ids.next, ...[...all, ...fresh].map((r) => r.id + 1));
      return {
        runs: [...all, ...fresh],
        liveId: fresh.find((r) => r.id === s.liveId)?.id ?? s.liveId,
        notices: [...notices, ...s.notices],
      };
    });
    if (migrated.length) {
      await persister.flushed();
      if (!migrated.some((r) => store.getState().unsaved[r.uid])) legacy.clear();
    }
    await markResumable();
    store.setState({ restored: true });
  };

  // After a reload: which runs have a kept state (they can resume), and which another tab owns.
  const markResumable = async (): Promise<void> => {
    const st = store.getState();
    await st.refreshKept();
    const kept = new Map(store.getState().kept.map((e) => [e.uid, e.step]));
    if (!kept.size) return;
    const elsewhere = await heldRuns([...kept.keys()]).catch(() => new Set<string>());
    store.setState((s) => ({
      runs: s.runs.map((r) => {
        const step = kept.get(r.uid);
        if (step === undefined || s.liveId === r.id) return r;
        return { ...r, keptStep: step, ...(elsewhere.has(r.uid) ? { elsewhere: true } : {}) };
      }),
    }));
  };
  if (typeof window !== 'undefined') {
    store.subscribe((s, prev) => {
      if (s.runs !== prev.runs) persister.sync(s.runs);
    });
    void restore();
  }
}
