// The run store's transitions, driven as the trainer worker drives them: a stand-in client records what the store
// sends and hands it the worker's messages, so each state change is checked without a browser.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RL } from '../../rl/config';
import type { StepMetrics } from '../../rl/types';
import type { FromWorker, ToWorker } from '../../worker/protocol';

const clients: FakeClient[] = [];
class FakeClient {
  sent: ToWorker[] = [];
  terminated = false;
  constructor(
    readonly config: unknown,
    readonly backend: string,
    readonly h: { onMessage(m: FromWorker): void },
  ) {
    clients.push(this);
  }
  send(m: ToWorker) {
    this.sent.push(m);
  }
  terminate() {
    this.terminated = true;
  }
  /** A worker message, and the store's batch of them taken. */
  async post(...ms: FromWorker[]) {
    for (const m of ms) this.h.onMessage(m);
    await vi.advanceTimersByTimeAsync(150);
  }
}
vi.mock('../trainerClient', () => ({ TrainerClient: FakeClient }));

const { useRunStore } = await import('./runStore');
const { useDraftStore } = await import('./draftStore');

const SMALL = { ...DEFAULT_RL, batchPrompts: 1, N: 4, k: 2, heldoutEvery: 0, steps: 3 };
const metrics = (step: number) => ({ step, step_ms: 10, loss: 0 }) as unknown as StepMetrics;
const step = (n: number): FromWorker => ({ type: 'step', report: { metrics: metrics(n), records: [] } });
const live = () => {
  const s = useRunStore.getState();
  return s.runs.find((r) => r.id === s.liveId);
};

describe('runStore transitions', () => {
  beforeEach(() => {
    // the real clock for performance.now: the store's batches are timed by it
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    clients.length = 0;
    useRunStore.setState({ runs: [], liveId: null, queue: [], comparison: null, notices: [], phase: null });
    useDraftStore.setState({ draft: SMALL, backend: 'wasm', fieldErrors: {} });
  });

  it('loading -> ready (the run is sent) -> running -> steps appended in order -> done; Stop after done changes nothing', async () => {
    useRunStore.getState().start();
    expect(live()?.status).toBe('loading');
    const c = clients[0];
    expect(c.backend).toBe('wasm');
    await c.post({ type: 'ready', backend: 'wasm', adapter: null, params: 1 });
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
    await c.post(
      { type: 'ready', backend: 'wasm', adapter: null, params: 1 },
      { type: 'state', running: true, step: 0 },
    );
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
    await c.post({ type: 'ready', backend: 'wasm', adapter: null, params: 1 });
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
    await first.post({ type: 'ready', backend: 'wasm', adapter: null, params: 1 });
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
    await c.post({ type: 'ready', backend: 'wasm', adapter: null, params: 1 }, step(0), step(1), step(2));
    await c.post({ type: 'recovered', message: 'GPU device lost; resumed from step 1', step: 1 });
    expect(live()?.metrics.map((m) => m.step)).toEqual([0]);
    expect(live()?.step).toBe(1);
  });

  it('an edited draft after a pause starts a new run beside the paused one, which is stopped', async () => {
    useRunStore.getState().start();
    const c = clients[0];
    await c.post({ type: 'ready', backend: 'wasm', adapter: null, params: 1 }, step(0));
    await c.post({ type: 'state', running: false, step: 1 });
    expect(live()?.status).toBe('paused');
    useDraftStore.setState({ draft: { ...SMALL, seed: 9 } });
    useRunStore.getState().start();
    const runs = useRunStore.getState().runs;
    expect(runs.map((r) => r.status)).toEqual(['stopped', 'loading']);
    expect(clients).toHaveLength(2);
    expect(c.sent.at(-1)).toEqual({ type: 'stop' });
  });
});
