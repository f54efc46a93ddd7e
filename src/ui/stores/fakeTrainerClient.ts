// Tests only: a stand-in for TrainerClient that records what the page sends its worker and hands the page the
// worker's messages, so that the stores' transitions are driven as a trainer worker drives them, without a browser.
// A test replaces the real client with it:
//   vi.mock('../trainerClient', async () => ({ TrainerClient: (await import('./fakeTrainerClient')).FakeClient }));
// and runs with fake timers for setTimeout (the run store takes the worker's messages in timed batches).
import { vi } from 'vitest';
import type { RLConfig } from '../../rl/config';
import type { StepMetrics } from '../../rl/types';
import type { BackendKind, FromWorker, ToWorker } from '../../worker/protocol';

export const READY: FromWorker = { type: 'ready', backend: 'wasm', adapter: null, params: 1 };

/** The worker's report of step `n`: its metrics (the fields the stores read) and no records. */
export const step = (n: number): FromWorker => ({
  type: 'step',
  report: { metrics: { step: n, step_ms: 10, loss: 0 } as unknown as StepMetrics, records: [] },
});

/** Every stand-in made since the test cleared it, in order. */
export const clients: FakeClient[] = [];

export class FakeClient {
  sent: ToWorker[] = [];
  terminated = false;
  constructor(
    readonly config: RLConfig,
    readonly backend: BackendKind,
    readonly h: { onMessage(m: FromWorker): void },
    readonly keep: { snapshotEvery: number; snapshot?: Uint8Array },
  ) {
    clients.push(this);
  }
  send(m: ToWorker) {
    this.sent.push(m);
  }
  terminate() {
    this.terminated = true;
  }
  /** Worker messages, and the run store's batch of them taken. */
  async post(...ms: FromWorker[]) {
    for (const m of ms) this.h.onMessage(m);
    await vi.advanceTimersByTimeAsync(150);
  }
  /** Ready, then every step of its config, then idle at the end: a run that finishes. */
  async finish(steps: number) {
    await this.post(READY);
    await this.post({ type: 'state', running: true, step: 0 }, ...Array.from({ length: steps }, (_, n) => step(n)), {
      type: 'state',
      running: false,
      step: steps,
    });
  }
}
