// The run store's transitions, driven as the trainer worker drives them: a stand-in client records what the store
// sends and hands it the worker's messages, so each state change is checked without a browser.
import { indexedDB as fakeIndexedDB } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RL, type RLConfig } from '../../rl/config';
import { exportRun, importRun } from '../../rl/runFile';
import { bytesToBase64 } from '../../lib/base64url';
import { canonical, dataSum } from '../../rl/snapshot';
import { encodeCheckpoint } from '../../model/checkpoint';
import { TINYVLM_CONFIG } from '../../model/config';
import { paramSpecs } from '../../model/params';
import { snapshotMessage } from '../../worker/protocol';
import { READY, clients, step } from './fakeTrainerClient';
import { stepMetrics } from '../../rl/runFileFixture';

vi.mock('../trainerClient', async () => ({ TrainerClient: (await import('./fakeTrainerClient')).FakeClient }));
// the kept states in IndexedDB as the page keeps them (fake-indexeddb): what a resume reads is what was stored
vi.stubGlobal('indexedDB', fakeIndexedDB);
// the run locks: those of `heldElsewhere` are another tab's; releases are counted
const heldElsewhere = new Set<string>();
const released: string[] = [];
vi.mock('./runLock', () => ({
  acquireRun: async (uid: string) => (heldElsewhere.has(uid) ? null : () => void released.push(uid)),
  heldRuns: async () => new Set<string>(),
}));
// a run file is read as the storage worker reads it, here on the test's thread
vi.mock('../storageClient', () => ({
  StorageClient: class {
    parseRunFile = async (text: string) => importRun(text);
  },
}));

const { useRunStore } = await import('./runStore');
const { useDraftStore } = await import('./draftStore');
const { listSnapshots, deleteSnapshot, getSnapshot } = await import('./snapshotDb');

const SMALL = { ...DEFAULT_RL, batchPrompts: 1, N: 4, k: 2, heldoutEvery: 0, steps: 3 };
const store = () => useRunStore.getState();
const runOf = (id: number) => store().runs.find((r) => r.id === id)!;

/** A run that kept its state at step 2, then was stopped at step 3: its id, uid, worker and the state's bytes. */
async function stoppedWithState() {
  store().start();
  const c = clients[0];
  const id = store().liveId!;
  const bytes = Uint8Array.from([7, 1, 2, 3, 4]);
  await c.post(READY, { type: 'state', running: true, step: 0 }, step(0), step(1), snapshotMessage(2, bytes), step(2));
  await vi.waitFor(() => expect(runOf(id).keptStep).toBe(2));
  store().stop();
  expect(runOf(id)).toMatchObject({ status: 'stopped', step: 3 });
  expect(c.sent.at(-1)).toEqual({ type: 'stop' });
  // the worker reads the Stop and says so
  await c.post({ type: 'stopped' });
  return { id, uid: runOf(id).uid, c, bytes };
}

/** A trainer snapshot's bytes as snapshotInfo reads them: its header checked, the weights of a model of width 1. */
function snapshotBytes(config: RLConfig, at: number): Uint8Array {
  const one = { ...TINYVLM_CONFIG, encDim: 1, encHeads: 1, dim: 1, heads: 1, layers: 1, mlpRatio: 1, maxSeq: 2 };
  const tensors = new Map(paramSpecs(one).map((p) => [p.name, new Float32Array(p.shape.reduce((a, b) => a * b, 1))]));
  return encodeCheckpoint(one, tensors, {
    kind: 'mirl-trainer-snapshot',
    snapshot_version: '1',
    step: String(at),
    adam_step: String(at),
    rl_config: canonical(config),
    warm_start: '0123abcd',
    data_fnv: dataSum(tensors),
  });
}

const live = () => {
  const s = useRunStore.getState();
  return s.runs.find((r) => r.id === s.liveId);
};

describe('runStore transitions', () => {
  beforeEach(async () => {
    // the real clock for performance.now: the store's batches are timed by it
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    clients.length = 0;
    useRunStore.getState().stop();
    useRunStore.setState({ runs: [], liveId: null, queue: [], comparison: null, notices: [], phase: null });
    useDraftStore.setState({ draft: SMALL, backend: 'wasm', fieldErrors: {} });
    heldElsewhere.clear();
    released.length = 0;
    for (const e of await listSnapshots()) await deleteSnapshot(e.uid);
  });

  it('loading -> ready (the run is sent) -> running -> steps appended in order -> done; Stop after done changes nothing', async () => {
    useRunStore.getState().start();
    expect(live()?.status).toBe('loading');
    const c = clients[0];
    expect(c.backend).toBe('wasm');
    await c.post(READY);
    expect(live()?.status).toBe('ready');
    expect(c.sent.map((m) => m.type)).toEqual(['run']);
    await c.post({ type: 'state', running: true, step: 0 }, step(0), step(1));
    expect(live()?.status).toBe('running');
    expect(live()?.metrics.map((m) => m.step)).toEqual([0, 1]);
    await c.post(step(2), { type: 'state', running: false, step: 3 });
    expect(live()?.status).toBe('done');
    expect(live()?.step).toBe(3);
    useRunStore.getState().stop();
    expect(useRunStore.getState().runs[0].status).toBe('done');
  });

  it('Stop while running: the run is stopped and kept, the worker told to stop; a later step of it still lands', async () => {
    useRunStore.getState().start();
    const c = clients[0];
    await c.post(READY, { type: 'state', running: true, step: 0 });
    useRunStore.getState().stop();
    const s = useRunStore.getState();
    expect(s.liveId).toBeNull();
    expect(s.runs[0].status).toBe('stopped');
    expect(c.sent.at(-1)).toEqual({ type: 'stop' });
    await c.post(step(0), { type: 'stopped' });
    expect(useRunStore.getState().runs[0].metrics).toHaveLength(1);
    expect(c.terminated).toBe(true);
  });

  it('a fatal error is the run status; a non-fatal one a notice, the run going on', async () => {
    useRunStore.getState().start();
    const c = clients[0];
    await c.post(READY);
    await c.post({ type: 'error', message: 'a hiccup', fatal: false });
    expect(useRunStore.getState().notices).toEqual(['a hiccup']);
    expect(live()?.status).toBe('ready');
    await c.post({ type: 'error', message: 'non-finite loss at step 1', fatal: true });
    expect(useRunStore.getState().runs[0]).toMatchObject({ status: 'error', error: 'non-finite loss at step 1' });
  });

  it('a queue runs its configs one after another, and the comparison stays named after it ends', async () => {
    const a = { ...SMALL, seed: 1 };
    const b = { ...SMALL, seed: 2 };
    useRunStore.getState().startQueue([a, b]);
    expect(useRunStore.getState().comparison).toEqual([a, b]);
    const first = clients[0];
    await first.post(READY);
    await first.post({ type: 'state', running: false, step: 3 });
    // the first done: the second starts on a new worker
    expect(clients).toHaveLength(2);
    expect(live()?.config.seed).toBe(2);
    expect(useRunStore.getState().queue).toEqual([]);
    useRunStore.getState().stop();
    expect(useRunStore.getState().comparison).toEqual([a, b]);
  });

  it('a recovery cuts the run back to the state it recovered from', async () => {
    useRunStore.getState().start();
    const c = clients[0];
    await c.post(READY, step(0), step(1), step(2));
    await c.post({ type: 'recovered', message: 'GPU device lost; resumed from step 1', step: 1 });
    expect(live()?.metrics.map((m) => m.step)).toEqual([0]);
    expect(live()?.step).toBe(1);
  });

  it('an edited draft after a pause starts a new run beside the paused one, which is stopped', async () => {
    useRunStore.getState().start();
    const c = clients[0];
    await c.post(READY, step(0));
    await c.post({ type: 'state', running: false, step: 1 });
    expect(live()?.status).toBe('paused');
    useDraftStore.setState({ draft: { ...SMALL, seed: 9 } });
    useRunStore.getState().start();
    const runs = useRunStore.getState().runs;
    expect(runs.map((r) => r.status)).toEqual(['stopped', 'loading']);
    expect(clients).toHaveLength(2);
    expect(c.sent.at(-1)).toEqual({ type: 'stop' });
  });

  it("the worker's state is kept; Resume continues the stopped run from it: later steps cut, the bytes sent, then run", async () => {
    const { id, c, bytes } = await stoppedWithState();
    expect(c.sent.at(-1)).toEqual({ type: 'stop' });
    expect((await getSnapshot(runOf(id).uid)).bytes).toEqual(bytes);
    await store().resume(id);
    expect(clients).toHaveLength(2);
    const again = clients[1];
    expect(again.keep.snapshot).toEqual(bytes);
    expect(store().liveId).toBe(id);
    expect(runOf(id).status).toBe('loading');
    // its curves stay whole until the trainer is back
    expect(runOf(id).metrics.map((m) => m.step)).toEqual([0, 1, 2]);
    await again.post(READY);
    expect(runOf(id)).toMatchObject({ status: 'ready', step: 2, error: null });
    expect(runOf(id).metrics.map((m) => m.step)).toEqual([0, 1]);
    expect(again.sent).toEqual([{ type: 'run' }]);
    await again.post({ type: 'state', running: true, step: 2 }, step(2), { type: 'state', running: false, step: 3 });
    expect(runOf(id)).toMatchObject({ status: 'done', step: 3 });
    expect(runOf(id).metrics.map((m) => m.step)).toEqual([0, 1, 2]);
  });

  it('Resume right after Stop waits for the stopping worker: its last step and state land first, then the resume takes that state, the steps in order', async () => {
    store().start();
    const c = clients[0];
    const id = store().liveId!;
    await c.post(
      READY,
      { type: 'state', running: true, step: 0 },
      step(0),
      step(1),
      snapshotMessage(2, Uint8Array.from([1])),
    );
    await vi.waitFor(() => expect(runOf(id).keptStep).toBe(2));
    store().stop();
    const resumed = store().resume(id);
    await vi.advanceTimersByTimeAsync(50);
    // no second worker while the first one still runs its last step
    expect(clients).toHaveLength(1);
    const last = Uint8Array.from([2, 2]);
    await c.post(step(2), step(3), snapshotMessage(4, last), { type: 'stopped' });
    await resumed;
    expect(c.terminated).toBe(true);
    expect(clients).toHaveLength(2);
    expect(clients[1].keep.snapshot).toEqual(last);
    await clients[1].post(READY, { type: 'state', running: true, step: 4 }, step(4), step(5));
    expect(runOf(id).metrics.map((m) => m.step)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('Resume is refused for a run another tab owns: marked so and said, no worker started, nothing taken', async () => {
    const { id, uid } = await stoppedWithState();
    heldElsewhere.add(uid);
    await store().resume(id);
    expect(clients).toHaveLength(1);
    expect(store().liveId).toBeNull();
    expect(runOf(id)).toMatchObject({ status: 'stopped', elsewhere: true });
    expect(store().notices.at(-1)).toMatch(/is open in another tab, which owns it/);
    // the state stays for the tab that owns it
    expect((await listSnapshots()).map((e) => e.uid)).toEqual([uid]);
  });

  it('Resume is refused when the kept state is gone: the run says why, keeps its curves, and lets its lock go', async () => {
    const { id, uid } = await stoppedWithState();
    released.length = 0;
    // cleared behind the page's back (site data, another tab's prune)
    await deleteSnapshot(uid);
    await store().resume(id);
    expect(clients).toHaveLength(1);
    expect(store().liveId).toBeNull();
    expect(runOf(id).error).toMatch(/^could not resume: no state is kept for this run/);
    expect(runOf(id).metrics).toHaveLength(3);
    expect(released).toEqual([uid]);
  });

  it('a resume whose worker cannot start leaves the run as it was, restored, with the reason', async () => {
    const { id } = await stoppedWithState();
    await store().resume(id);
    await clients[1].post({ type: 'error', message: 'the snapshot is damaged', fatal: true });
    expect(runOf(id)).toMatchObject({ status: 'restored', error: 'could not resume: the snapshot is damaged' });
    expect(runOf(id).metrics).toHaveLength(3);
    expect(store().liveId).toBeNull();
    expect(clients[1].terminated).toBe(true);
  });

  it('Delete of the live run stops its worker, drops the run and its selection, and deletes its kept state', async () => {
    store().start();
    const c = clients[0];
    const id = store().liveId!;
    const uid = runOf(id).uid;
    await c.post(READY, { type: 'state', running: true, step: 0 }, step(0), snapshotMessage(1, Uint8Array.of(1)));
    await vi.waitFor(() => expect(runOf(id).keptStep).toBe(1));
    // a second run, kept
    useDraftStore.setState({ draft: { ...SMALL, seed: 2 } });
    store().addRuns([{ label: 'other', config: SMALL, metrics: [], records: [] }]);
    store().select(id, 0);
    store().deleteRun(id);
    expect(c.sent.at(-1)).toEqual({ type: 'stop' });
    expect(store().liveId).toBeNull();
    expect(store().runs.map((r) => r.label)).toEqual(['other']);
    expect(store().selectedRunId).toBeNull();
    await vi.waitFor(() => expect(store().kept).toEqual([]));
    expect(await listSnapshots()).toEqual([]);
    expect(released).toContain(uid);
  });

  it("Delete of a run another tab owns leaves that tab's kept state", async () => {
    const { id, uid } = await stoppedWithState();
    heldElsewhere.add(uid);
    await store().resume(id);
    store().deleteRun(id);
    expect(store().runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(10);
    expect((await listSnapshots()).map((e) => e.uid)).toEqual([uid]);
  });

  it('Import lists a run file as an imported run, selected; a bad file is a notice and lists nothing', async () => {
    const steps = [stepMetrics(0), stepMetrics(1)];
    await store().importRun(exportRun('grpo G4 seed 3', { ...SMALL, seed: 3 }, steps, []));
    expect(store().runs).toHaveLength(1);
    const r = store().runs[0];
    expect(r).toMatchObject({ label: 'grpo G4 seed 3 (imported)', status: 'imported', step: 2, keptStep: null });
    expect(r.config.seed).toBe(3);
    expect(r.metrics).toEqual(steps);
    expect(store().selectedRunId).toBe(r.id);
    expect(clients).toHaveLength(0);
    await store().importRun('{"kind":"mirl-playground-run"');
    expect(store().notices.at(-1)).toMatch(/^import failed: not a run file/);
    expect(store().runs).toHaveLength(1);
  });

  it('Import with a trainer state keeps it (checked against the run), and the run resumes from it', async () => {
    const cfg: RLConfig = { ...SMALL, seed: 4 };
    const bytes = snapshotBytes(cfg, 1);
    const file = exportRun('mirl', cfg, [stepMetrics(0), stepMetrics(1)], [], { step: 1, data: bytesToBase64(bytes) });
    await store().importRun(file);
    const id = store().runs[0].id;
    await vi.waitFor(() => expect(runOf(id).keptStep).toBe(1));
    expect(runOf(id).error).toBeNull();
    expect((await getSnapshot(runOf(id).uid)).bytes).toEqual(bytes);
    await store().resume(id);
    expect(clients[0].keep.snapshot).toEqual(bytes);
    await clients[0].post(READY);
    expect(runOf(id)).toMatchObject({ status: 'ready', step: 1 });
    expect(runOf(id).metrics.map((m) => m.step)).toEqual([0]);
  });

  it('Import with a state of another step or config keeps the curves, not the state, and says why', async () => {
    const cfg: RLConfig = { ...SMALL, seed: 4 };
    const of = (state: Uint8Array, at = 1) =>
      exportRun('mirl', cfg, [stepMetrics(0)], [], { step: at, data: bytesToBase64(state) });
    await store().importRun(of(snapshotBytes(cfg, 1), 2));
    await store().importRun(of(snapshotBytes({ ...cfg, seed: 5 }, 1)));
    await vi.advanceTimersByTimeAsync(10);
    expect(store().runs.map((r) => [r.keptStep, r.error])).toEqual([
      [null, 'its curves were imported, its trainer state was not: the file says step 2, the state holds step 1'],
      [null, "its curves were imported, its trainer state was not: the state is of another config than the run's"],
    ]);
    expect(store().runs.every((r) => r.metrics.length === 1)).toBe(true);
    expect(await listSnapshots()).toEqual([]);
  });
});
