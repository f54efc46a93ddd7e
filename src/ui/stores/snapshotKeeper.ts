// The run store's kept trainer states: how often and within what budget they are kept (the settings, saved in
// localStorage), the worker's states written to IndexedDB (snapshotDb.ts) and pruned to the budget, a run file's state
// checked and kept, and the list of what is kept.

import type { RLConfig } from '../../rl/config';
import { base64ToBytes, bytesToBase64 } from '../../lib/base64url';
import { canonical, snapshotInfo } from '../../rl/snapshot';
import { exportRun } from '../../rl/runFile';
import { stateChecksum } from '../../worker/protocol';
import { deleteSnapshot, getSnapshot, listSnapshots, putSnapshot, type StateToKeep } from './snapshotDb';
import { cutTo } from './run';
import type { KeepSettings, Store, StoreParts } from './runStoreTypes';

const SAVED_KEEP = 'mirl-playground-keep';
const DEFAULT_KEEP: KeepSettings = { every: 5, budgetMB: 64 };

export function loadKeep(): KeepSettings {
  try {
    const k = JSON.parse(
      (typeof localStorage !== 'undefined' && localStorage.getItem(SAVED_KEEP)) || '{}',
    ) as Partial<KeepSettings>;
    return {
      every: validEvery(k.every) ? k.every! : DEFAULT_KEEP.every,
      budgetMB: validBudget(k.budgetMB) ? k.budgetMB! : DEFAULT_KEEP.budgetMB,
    };
  } catch {
    return { ...DEFAULT_KEEP };
  }
}
const validEvery = (n: unknown): boolean => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 1000;
const validBudget = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n >= 4 && n <= 4096;

/** The keeper's part of the store: its actions, and what the worker lifecycle and the import call. */
export function snapshotKeeper({ get, set, patchRun, notice }: StoreParts) {
  /** The worker's state as it sent it (checksummed there) goes to IndexedDB, within the budget. */
  const keepState = async (id: number, state: StateToKeep) => {
    const { step } = state;
    const r = get().runs.find((x) => x.id === id);
    if (!r || r.elsewhere) return;
    try {
      const pruned = await putSnapshot(r.uid, r.label, state, get().keep.budgetMB * 2 ** 20);
      patchRun(id, () => ({ keptStep: step }));
      if (pruned.length) {
        const gone = new Set(pruned.map((p) => p.uid));
        set((s) => ({ runs: s.runs.map((x) => (gone.has(x.uid) ? { ...x, keptStep: null } : x)) }));
        notice(
          `kept states pruned to the ${get().keep.budgetMB} MB budget: ${pruned.map((p) => `${p.label} (step ${p.step})`).join(', ')}`,
        );
      }
      if (get().storageError) set({ storageError: null });
    } catch (e) {
      const msg = (e as Error).message;
      // said once, where the runs are; the run goes on, and its older kept state (if any) stays
      if (get().storageError !== msg) set({ storageError: msg });
    }
    void get().refreshKept();
  };

  /** A run file's state goes to IndexedDB, checked first; a bad one costs only itself, never the run's curves. */
  const importState = async (
    id: number,
    uid: string,
    label: string,
    config: RLConfig,
    snap: { step: number; data: string },
  ) => {
    let bytes: Uint8Array;
    let step: number;
    try {
      bytes = base64ToBytes(snap.data);
      const info = snapshotInfo(bytes);
      if (info.step !== snap.step)
        throw new Error(`the file says step ${snap.step}, the state holds step ${info.step}`);
      if (canonical(info.config) !== canonical(config))
        throw new Error("the state is of another config than the run's");
      step = info.step;
    } catch (e) {
      patchRun(id, () => ({ error: `its curves were imported, its trainer state was not: ${(e as Error).message}` }));
      return;
    }
    try {
      // a file's state is checksummed here, once: it did not come from this page's worker
      await putSnapshot(uid, label, { step, bytes, checksum: stateChecksum(bytes) }, get().keep.budgetMB * 2 ** 20);
      patchRun(id, () => ({ keptStep: step }));
    } catch (e) {
      patchRun(id, () => ({
        error: `its curves were imported, its trainer state was not kept: ${(e as Error).message}`,
      }));
    }
    await get().refreshKept();
  };

  const actions: Pick<Store, 'setKeep' | 'refreshKept' | 'deleteKept' | 'exportRunWithState'> = {
    setKeep(k) {
      const next = { ...get().keep, ...k };
      if (!validEvery(next.every) || !validBudget(next.budgetMB)) return;
      set({ keep: next });
      try {
        localStorage.setItem(SAVED_KEEP, JSON.stringify(next));
      } catch {
        /* the settings apply to this tab */
      }
    },
    async refreshKept() {
      try {
        const kept = await listSnapshots();
        const byUid = new Map(kept.map((e) => [e.uid, e.step]));
        set((s) => ({
          kept,
          runs: s.runs.map((r) => (r.keptStep !== null && !byUid.has(r.uid) ? { ...r, keptStep: null } : r)),
        }));
      } catch (e) {
        set({ kept: [], storageError: (e as Error).message });
      }
    },
    async deleteKept(uid) {
      try {
        await deleteSnapshot(uid);
        set((s) => ({ runs: s.runs.map((r) => (r.uid === uid ? { ...r, keptStep: null } : r)) }));
      } catch (e) {
        notice((e as Error).message);
      }
      await get().refreshKept();
    },
    async exportRunWithState(id) {
      const r = get().runs.find((x) => x.id === id);
      if (!r) throw new Error(`no run ${id}`);
      if (r.keptStep === null) throw new Error(`${r.label} has no kept state`);
      const { entry, bytes } = await getSnapshot(r.uid);
      // the curves up to the kept step: what a resume elsewhere continues from
      const cut = cutTo(r, entry.step);
      return exportRun(r.label, r.config, cut.metrics, cut.records, { step: entry.step, data: bytesToBase64(bytes) });
    },
  };
  return { actions, keepState, importState };
}
