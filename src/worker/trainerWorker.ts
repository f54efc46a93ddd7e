/// <reference lib="webworker" />
// The trainer in a Web Worker: it owns the GPU device, runs steps, and posts
// each step's metrics and rollout records. The page only renders them.
// Device loss: the trainer is rebuilt on a new device from the last weights
// read back (every few steps), and the run goes on from there.

import { createBackend, type BackendKind } from '../backend/create';
import type { AdapterReport } from '../gpu/device';
import { fetchCheckpoint, type Checkpoint } from '../model/checkpoint';
import { countParams } from '../model/params';
import type { RLConfig } from '../rl/config';
import { RLTrainer } from '../rl/trainer';
import type { FromWorker, ToWorker } from './protocol';

const SNAPSHOT_EVERY = 5;

/** One run: its trainer, the weights to recover from, and the run/pause state. */
class TrainerHost {
  private config: RLConfig | null = null;
  private kind: BackendKind = 'webgpu';
  private trainer: RLTrainer | null = null;
  private snapshot: { ck: Checkpoint; step: number } | null = null;
  /** The checkpoint the run started from: the KL reference and frozen MI scorer, also after a recovery. */
  private warmStart: Checkpoint | null = null;
  private running = false;
  private target = 0;
  private busy = false;

  constructor(private readonly post: (m: FromWorker) => void) {}

  async handle(m: ToWorker): Promise<void> {
    try {
      if (m.type === 'init') await this.init(m.config, m.backend, m.checkpointUrl);
      else if (m.type === 'run') {
        this.target = m.untilStep ?? this.config?.steps ?? 0;
        void this.loop();
      } else if (m.type === 'pause') this.running = false;
      else if (m.type === 'step' && !this.running) {
        await this.oneStep();
        this.postState();
      }
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message, fatal: m.type === 'init' });
    }
  }

  private async init(config: RLConfig, kind: BackendKind, checkpointUrl: string): Promise<void> {
    this.config = config;
    this.kind = kind;
    const ck = await fetchCheckpoint(checkpointUrl, (loaded, total) => this.post({ type: 'progress', what: 'checkpoint', loaded, total }));
    this.warmStart = ck;
    const adapter = await this.build(ck, 0);
    this.snapshot = { ck, step: 0 };
    this.post({ type: 'ready', backend: kind, adapter, params: countParams(ck.config) });
  }

  private async build(ck: Checkpoint, step: number): Promise<AdapterReport | null> {
    const { be, adapter } = await createBackend(this.kind, (reason) => void this.recover(reason));
    this.trainer = new RLTrainer(be, this.config!, ck, this.warmStart ?? ck);
    this.trainer.step = step;
    this.trainer.onPhase = (phase) => this.post({ type: 'phase', phase, step: this.trainer?.step ?? step });
    return adapter;
  }

  private async recover(reason: string): Promise<void> {
    if (!this.snapshot || !this.config) return;
    const wasRunning = this.running;
    this.running = false;
    try {
      await this.build(this.snapshot.ck, this.snapshot.step);
      this.post({ type: 'recovered', message: `GPU device lost (${reason}); resumed from the weights of step ${this.snapshot.step}`, step: this.snapshot.step });
      this.post({ type: 'state', running: false, step: this.snapshot.step });
      if (wasRunning) void this.loop();
    } catch (e) {
      this.post({ type: 'error', message: `GPU device lost (${reason}) and could not be recovered: ${(e as Error).message}`, fatal: true });
    }
  }

  private async takeSnapshot(): Promise<void> {
    const t = this.trainer;
    if (t) this.snapshot = { ck: { config: t.model.config, tensors: await t.model.params.toHost(), metadata: {} }, step: t.step };
  }

  private async oneStep(): Promise<boolean> {
    if (!this.trainer || this.busy) return false;
    this.busy = true;
    try {
      const report = await this.trainer.trainStep();
      this.post({ type: 'step', report });
      if (report.metrics.error) {
        this.post({ type: 'error', message: report.metrics.error, fatal: true });
        return false;
      }
      if (this.trainer.step % SNAPSHOT_EVERY === 0) await this.takeSnapshot();
      return true;
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message, fatal: false });
      return false;
    } finally {
      this.busy = false;
    }
  }

  private async loop(): Promise<void> {
    if (this.busy) return;
    this.running = true;
    this.postState();
    while (this.running && this.trainer && this.trainer.step < this.target) {
      if (!(await this.oneStep())) break;
    }
    this.running = false;
    this.postState();
  }

  private postState(): void {
    this.post({ type: 'state', running: this.running, step: this.trainer?.step ?? 0 });
  }
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
const host = new TrainerHost((m) => scope.postMessage(m));
scope.onmessage = (ev: MessageEvent<ToWorker>) => void host.handle(ev.data);
