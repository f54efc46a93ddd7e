// The comparison pool's scheduling, driven as trainer workers drive it: stand-in clients record what is sent and
// hand back the workers' messages, so each decision (how many at once, what starts next, what Stop ends, what a
// resume continues) is checked without a browser.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RL } from '../../rl/config';
import { snapshotMessage } from '../../worker/protocol';
import { READY, clients, step } from './fakeTrainerClient';

vi.mock('../trainerClient', async () => ({ TrainerClient: (await import('./fakeTrainerClient')).FakeClient }));
// the kept states, by run uid: their step
const snapshots = new Map<string, number>();
vi.mock('./snapshotDb', () => ({
  getSnapshot: async (uid: string) => ({ entry: { uid, step: snapshots.get(uid) }, bytes: new Uint8Array([1]) }),
  putSnapshot: async (uid: string, _label: string, state: { step: number }) => {
    snapshots.set(uid, state.step);
    return [];
  },
  listSnapshots: async () => [...snapshots].map(([uid, at]) => ({ uid, step: at })),
  deleteSnapshot: async (uid: string) => void snapshots.delete(uid),
}));
const stored = new Map<string, string>();
vi.stubGlobal('localStorage', {
  getItem: (k: string) => stored.get(k) ?? null,
  setItem: (k: string, v: string) => void stored.set(k, v),
  removeItem: (k: string) => void stored.delete(k),
});

const { useRunStore } = await import('./runStore');
const { useComparisonPool, defaultWidth } = await import('./comparisonPool');

const SMALL = { ...DEFAULT_RL, batchPrompts: 1, heldoutEvery: 0, steps: 2 };
const jobs = (arms: string[], seeds: number[]) =>
  arms.flatMap((a) => seeds.map((seed) => ({ armId: a, seed, config: { ...SMALL, algo: a as 'grpo', seed } })));
const states = () => useComparisonPool.getState().jobs.map((j) => j.state);

describe('comparison pool', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    clients.length = 0;
    useComparisonPool.getState().stop();
    useRunStore.setState({ runs: [], liveId: null, queue: [], comparison: null, notices: [], phase: null });
  });

  it('runs at most `width` at once, each sent `run` once ready; the next starts as one finishes, in order', async () => {
    useComparisonPool.getState().start(jobs(['grpo', 'mirl'], [1, 2]), 'wasm', 2);
    expect(clients.map((c) => [c.config.algo, c.config.seed])).toEqual([
      ['grpo', 1],
      ['grpo', 2],
    ]);
    expect(states()).toEqual(['running', 'running', 'queued', 'queued']);
    expect(clients.every((c) => c.backend === 'wasm')).toBe(true);
    // not before its worker is ready
    expect(clients[0].sent).toEqual([]);
    await clients[1].finish(2);
    expect(clients[1].sent[0]).toEqual({ type: 'run' });
    expect(states()).toEqual(['running', 'done', 'running', 'queued']);
    expect(clients).toHaveLength(3);
    expect(clients[2].config).toMatchObject({ algo: 'mirl', seed: 1 });
    // the finished run is an ordinary run: listed, done, its steps kept
    const done = useRunStore.getState().runs.find((r) => r.config.algo === 'grpo' && r.config.seed === 2);
    expect(done).toMatchObject({ status: 'done', step: 2 });
    expect(done?.metrics).toHaveLength(2);
    // the Playground's live run is untouched
    expect(useRunStore.getState().liveId).toBeNull();
    await clients[0].finish(2);
    await clients[2].finish(2);
    await clients[3].finish(2);
    expect(states()).toEqual(['done', 'done', 'done', 'done']);
    expect(useComparisonPool.getState().going).toBe(false);
    expect(useRunStore.getState().runs.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done']);
  });

  it('a run that fails is marked so and the pool goes on', async () => {
    useComparisonPool.getState().start(jobs(['grpo'], [1, 2]), 'wasm', 1);
    await clients[0].post({ type: 'error', message: 'non-finite loss', fatal: true });
    expect(states()).toEqual(['error', 'running']);
    expect(useRunStore.getState().runs[0]).toMatchObject({ status: 'error', error: 'non-finite loss' });
    // a non-fatal error does not end a run
    await clients[1].post({ type: 'error', message: 'a hiccup', fatal: false });
    expect(states()).toEqual(['error', 'running']);
  });

  it('Stop stops every run (each told to stop, listed as stopped) and starts nothing more', async () => {
    useComparisonPool.getState().start(jobs(['grpo', 'mirl'], [1, 2]), 'wasm', 2);
    await clients[0].post(READY, step(0));
    useComparisonPool.getState().stop();
    expect(clients.map((c) => c.sent.at(-1))).toEqual([{ type: 'stop' }, { type: 'stop' }]);
    expect(states()).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
    expect(useRunStore.getState().runs.map((r) => r.status)).toEqual(['stopped', 'stopped']);
    // a late idle state of a stopped run neither finishes it nor starts another
    await clients[0].post({ type: 'state', running: false, step: 2 });
    expect(clients).toHaveLength(2);
    expect(useComparisonPool.getState().going).toBe(false);
  });

  it('resume continues the unfinished runs from their kept states, and starts again those with none', async () => {
    useComparisonPool.getState().start(jobs(['grpo'], [1, 2, 3, 4]), 'wasm', 2);
    await clients[0].finish(2);
    // seed 2 keeps a state at step 1; seed 3 is cut off before it kept one; seed 4 never began
    await clients[1].post(READY, step(0));
    await clients[1].post(snapshotMessage(1, new Uint8Array([1])));
    expect(clients[2].config.seed).toBe(3);
    useComparisonPool.getState().stop();
    expect(states()).toEqual(['done', 'stopped', 'stopped', 'stopped']);
    expect(useRunStore.getState().runs.map((r) => [r.config.seed, r.keptStep])).toEqual([
      [1, null],
      [2, 1],
      [3, null],
    ]);
    useComparisonPool.getState().resume();
    await vi.advanceTimersByTimeAsync(10);
    // seed 2: the same run again, from its state; seed 3: a fresh run in place of its row
    const again = clients.slice(3);
    expect(again.map((c) => [c.config.seed, c.keep.snapshot !== undefined]).sort()).toEqual([
      [2, true],
      [3, false],
    ]);
    expect(useRunStore.getState().runs.map((r) => r.config.seed)).toEqual([1, 2, 3]);
    const second = again.find((c) => c.config.seed === 2)!;
    await second.post(READY);
    expect(second.sent).toEqual([{ type: 'run' }]);
    await second.post(step(1), { type: 'state', running: false, step: 2 });
    expect(useRunStore.getState().runs[1]).toMatchObject({ status: 'done', step: 2 });
    expect(useRunStore.getState().runs[1].metrics.map((m) => m.step)).toEqual([0, 1]);
    // seed 4, never begun, starts as a new run once a worker is free
    expect(clients[5].config.seed).toBe(4);
    expect(states()).toEqual(['done', 'done', 'running', 'running']);
  });

  it('the plan is kept for a reload: a job cut off mid-run reads back as stopped', async () => {
    useComparisonPool.getState().start(jobs(['grpo'], [1, 2]), 'wasm', 1);
    const kept = JSON.parse(localStorage.getItem('mirl-playground-comparison')!) as { jobs: { state: string }[] };
    expect(kept.jobs.map((j) => j.state)).toEqual(['running', 'queued']);
    vi.resetModules();
    const { useComparisonPool: reloaded } = await import('./comparisonPool');
    expect(reloaded.getState().jobs.map((j) => j.state)).toEqual(['stopped', 'queued']);
    expect(reloaded.getState().going).toBe(false);
  });

  it('default width: both cores of two, one left to the page of more', () => {
    expect([1, 2, 4, 16].map(defaultWidth)).toEqual([1, 2, 3, 15]);
  });
});
