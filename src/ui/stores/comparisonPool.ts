// The comparison as one button: a list of runs (arms x seeds) trained in up to `width` workers at once, beside the
// Playground's live run. Each job is an ordinary run of the run store (startBeside), so it is listed, kept for a
// reload and resumable; this store only schedules them, and keeps the plan (in localStorage) so that a reload can
// resume the runs it left unfinished.

import { create } from 'zustand';
import type { RLConfig } from '../../rl/config';
import type { BackendKind, FromWorker } from '../../worker/protocol';
import { useRunStore } from './runStore';

export type JobState = 'queued' | 'running' | 'done' | 'stopped' | 'error';

/** One run of the comparison: an arm at a seed. */
export interface Job {
  armId: string;
  seed: number;
  config: RLConfig;
  /** The run it trains in (stable over reloads); null until it first starts. */
  uid: string | null;
  state: JobState;
}

interface PoolStore {
  jobs: Job[];
  backend: BackendKind;
  /** Runs at once. */
  width: number;
  /** Runs this tab is training now (a plan read back after a reload has none until it is resumed). */
  going: boolean;
  /** Starts a plan: the jobs in order, `width` at a time. A plan under way is stopped first. */
  start(jobs: readonly Pick<Job, 'armId' | 'seed' | 'config'>[], backend: BackendKind, width: number): void;
  /** Stops every run of the plan; each keeps its state, so resume continues it. */
  stop(): void;
  /** Continues the plan's unfinished jobs: from their kept states where they have one, from the start otherwise. */
  resume(): void;
}

const SAVED = 'mirl-playground-comparison';

interface Saved {
  backend: BackendKind;
  width: number;
  jobs: Job[];
}

function load(): Saved | null {
  try {
    const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(SAVED);
    if (!raw) return null;
    const s = JSON.parse(raw) as Saved;
    if (!Array.isArray(s.jobs) || !Number.isInteger(s.width) || s.width < 1) return null;
    // a job that was training when the page went was cut off: it resumes like a stopped one
    return { ...s, jobs: s.jobs.map((j) => (j.state === 'running' ? { ...j, state: 'stopped' } : j)) };
  } catch {
    return null;
  }
}

function save(s: Saved): void {
  try {
    localStorage.setItem(SAVED, JSON.stringify(s));
  } catch {
    /* the plan is this tab's only; its runs are still kept as runs */
  }
}

/** Run ids of the jobs training now, by job index; a job's worker is the run store's. */
const live = new Map<number, number>();

const saved = load();

export const useComparisonPool = create<PoolStore>()((set, get) => {
  const patchJob = (i: number, p: Partial<Job>) => {
    set((s) => ({ jobs: s.jobs.map((j, k) => (k === i ? { ...j, ...p } : j)) }));
    const { jobs, backend, width } = get();
    save({ jobs, backend, width });
  };

  const finish = (i: number, state: JobState) => {
    const id = live.get(i);
    if (id === undefined) return;
    live.delete(i);
    useRunStore.getState().endBeside(id);
    patchJob(i, { state });
    pump();
  };

  const onMessage = (i: number, send: () => void) => (m: FromWorker) => {
    if (!live.has(i)) return;
    if (m.type === 'ready') send();
    else if (m.type === 'state' && !m.running && m.step >= get().jobs[i].config.steps) finish(i, 'done');
    else if (m.type === 'error' && m.fatal) finish(i, 'error');
  };

  /** One job onto a worker: its kept run continued where it has one, a new run otherwise. */
  const launch = async (i: number) => {
    const job = get().jobs[i];
    const runs = useRunStore.getState();
    const run = job.uid === null ? undefined : runs.runs.find((r) => r.uid === job.uid);
    // held before the await, so that a second pump does not launch the job again
    live.set(i, -1);
    patchJob(i, { state: 'running' });
    let sendRun = () => {};
    const handler = onMessage(i, () => sendRun());
    const resumed = run && run.keptStep !== null ? await runs.resumeBeside(run.id, handler) : null;
    // a run cut off before its state was first kept starts again, in place of its row (its draws are the same)
    if (run && !resumed && live.has(i)) useRunStore.getState().deleteRun(run.id);
    if (!live.has(i)) {
      // stopped while its state was read
      if (resumed) useRunStore.getState().endBeside(resumed.id);
      return;
    }
    const b = resumed ?? useRunStore.getState().startBeside(job.config, get().backend, handler);
    sendRun = () => b.client.send({ type: 'run' });
    live.set(i, b.id);
    if (b.uid !== job.uid) patchJob(i, { uid: b.uid });
  };

  const pump = () => {
    const { jobs, width, going } = get();
    if (!going) return;
    for (let i = 0; i < jobs.length && live.size < width; i++) if (jobs[i].state === 'queued') void launch(i);
    if (!live.size && !get().jobs.some((j) => j.state === 'queued')) set({ going: false });
  };

  return {
    jobs: saved?.jobs ?? [],
    backend: saved?.backend ?? 'wasm',
    width: saved?.width ?? 1,
    going: false,
    start(jobs, backend, width) {
      get().stop();
      set({
        jobs: jobs.map((j) => ({ ...j, uid: null, state: 'queued' })),
        backend,
        width: Math.max(1, Math.floor(width)),
        going: true,
      });
      save({ jobs: get().jobs, backend, width: get().width });
      pump();
    },
    stop() {
      for (const [i, id] of [...live]) {
        live.delete(i);
        if (id >= 0) useRunStore.getState().endBeside(id);
        patchJob(i, { state: 'stopped' });
      }
      set((s) => ({ going: false, jobs: s.jobs.map((j) => (j.state === 'queued' ? { ...j, state: 'stopped' } : j)) }));
      save({ jobs: get().jobs, backend: get().backend, width: get().width });
    },
    resume() {
      if (get().going) return;
      set((s) => ({ going: true, jobs: s.jobs.map((j) => (j.state === 'stopped' ? { ...j, state: 'queued' } : j)) }));
      pump();
    },
  };
});

/** Runs at once by default: a core left to the page where there are more than two, both cores on a two-core machine. */
export const defaultWidth = (cores: number): number => Math.max(1, cores > 2 ? cores - 1 : cores);
