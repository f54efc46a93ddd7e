// The runs, side by side, as the page shows them: the list, the selection, the notices, and the store's actions,
// made of its parts: the workers that train the runs (runWorkers.ts), the kept trainer states (snapshotKeeper.ts) and
// the runs kept for a reload (runRestore.ts). The config being edited is draftStore's, a hub model hubStore's.

import { create } from 'zustand';
import { exportRun, type RunFile } from '../../rl/runFile';
import { StorageClient } from '../storageClient';
import { encodeShare } from '../share/urlCodec';
import { useDraftStore } from './draftStore';
import { newUid, type Run } from './run';
// the views read runs from the store: the type comes with it
export type { Run } from './run';
import { loadKeep, snapshotKeeper } from './snapshotKeeper';
import type { Store, StoreParts } from './runStoreTypes';

export type { Store } from './runStoreTypes';
import { runWorkers } from './runWorkers';
import { keepForReload } from './runRestore';

const ids = { next: 1 };
const storage = new StorageClient();

export const useRunStore = create<Store>()((set, get) => {
  const patchRun = (id: number, f: (r: Run) => Partial<Run>) =>
    set((s) => ({ runs: s.runs.map((r) => (r.id === id ? { ...r, ...f(r) } : r)) }));
  const notice = (text: string) => set((s) => ({ notices: [...s.notices, text] }));
  const parts: StoreParts = { get, set, patchRun, notice, ids };
  const keeper = snapshotKeeper(parts);

  return {
    runs: [],
    liveId: null,
    selectedRunId: null,
    selectedStep: null,
    selectedPrompt: 0,
    load: null,
    phase: null,
    queue: [],
    comparison: null,
    notices: [],
    keep: loadKeep(),
    kept: [],
    storageError: null,
    unsaved: {},
    restored: false,
    ...keeper.actions,
    ...runWorkers(parts, keeper),
    addRuns(added) {
      set((s) => ({
        runs: [
          ...s.runs,
          ...added.map((r) => ({
            id: ids.next++,
            uid: newUid(),
            backend: 'cpu' as const,
            keptStep: null,
            label: r.label,
            config: r.config,
            metrics: r.metrics,
            records: r.records,
            status: 'imported' as const,
            step: r.metrics.length,
            error: null,
          })),
        ],
      }));
    },
    deleteRun(id) {
      if (id === get().liveId) get().stop();
      get().endBeside(id); // nothing unless a worker beside trains it
      const r = get().runs.find((x) => x.id === id);
      set((s) => ({
        runs: s.runs.filter((x) => x.id !== id),
        ...(s.selectedRunId === id ? { selectedRunId: null, selectedStep: null } : {}),
      }));
      // its kept state goes with it (not another tab's)
      if (r?.keptStep !== null && r && !r.elsewhere) void get().deleteKept(r.uid);
    },
    renameRun(id, label) {
      // a run file's label holds 200 characters: the page keeps to that, so its export imports
      const l = label.trim().slice(0, 200);
      if (l) set((s) => ({ runs: s.runs.map((r) => (r.id === id ? { ...r, label: l } : r)) }));
    },
    runLink(id) {
      const r = get().runs.find((x) => x.id === id);
      if (!r) throw new Error(`no run ${id}`);
      return `${location.origin}${location.pathname}${encodeShare(r.config)}`;
    },
    select(runId, step, prompt) {
      set((s) => ({ selectedRunId: runId, selectedStep: step, selectedPrompt: prompt ?? s.selectedPrompt }));
    },
    exportRun(id) {
      const r = get().runs.find((x) => x.id === id);
      if (!r) throw new Error(`no run ${id}`);
      return exportRun(r.label, r.config, r.metrics, r.records);
    },
    async importRun(text) {
      let f: RunFile;
      try {
        f = await storage.parseRunFile(text);
      } catch (e) {
        notice(`import failed: ${(e as Error).message}`);
        return;
      }
      const id = ids.next++;
      const uid = newUid();
      const label = `${f.label.slice(0, 200 - ' (imported)'.length)} (imported)`;
      set((s) => ({
        runs: [
          ...s.runs,
          {
            id,
            uid,
            backend: useDraftStore.getState().backend,
            keptStep: null,
            label,
            config: f.config,
            metrics: f.metrics,
            records: f.records,
            status: 'imported',
            step: f.metrics.length,
            error: null,
          },
        ],
        selectedRunId: id,
        selectedStep: null,
      }));
      if (f.snapshot) void keeper.importState(id, uid, label, f.config, f.snapshot);
    },
    dismissNotice(i) {
      set((s) => ({ notices: s.notices.filter((_, j) => j !== i) }));
    },
  };
});

keepForReload(useRunStore, storage, ids);
