/// <reference lib="webworker" />
// The trainer in a Web Worker: it owns the GPU device, runs steps, and posts
// each step's metrics and rollout records. The page only renders them.
// Its state is kept (src/rl/snapshot.ts) every few steps, on pause and on stop,
// and posted to the page, which stores it for a reload. Device loss: the trainer
// is rebuilt on a new device from the last state kept, and the run goes on from
// there exactly as it would have.

import { createBackend, type BackendKind } from '../backend/create';
import type { AdapterReport } from '../gpu/device';
import { fetchCheckpoint, type Checkpoint } from '../model/checkpoint';
import { countParams } from '../model/params';
import { loadSandbox, SandboxError } from '../lib/sandbox';
import type { RLConfig } from '../rl/config';
import { customRewardOf } from '../rl/customReward';
import { fingerprint, resumeTrainer, takeSnapshot } from '../rl/snapshot';
import { RLTrainer } from '../rl/trainer';
import { snapshotMessage, type FromWorker, type ToWorker } from './protocol';

/** One run: its trainer, the weights to recover from, and the run/pause state. */
class TrainerHost {
  private config: RLConfig | null = null;
  private kind: BackendKind = 'webgpu';
  private wasmUrl = '';
  private trainer: RLTrainer | null = null;
  /** The last state kept: what a device loss rebuilds from. */
  private snapshot: { bytes: Uint8Array; step: number } | null = null;
  private snapshotEvery = 5;
  /** The checkpoint the run started from: the KL reference and frozen MI scorer, also after a recovery. */
  private warmStart: Checkpoint | null = null;
  private warmStartId = '';
  private running = false;
  private target = 0;
  private busy = false;

  constructor(private readonly post: (m: FromWorker) => void) {}

  async handle(m: ToWorker): Promise<void> {
    try {
      if (m.type === 'init') await this.init(m);
      else if (m.type === 'run') {
        this.target = m.untilStep ?? this.config?.steps ?? 0;
        void this.loop();
      } else if (m.type === 'pause') this.running = false;
      else if (m.type === 'step' && !this.running) {
        await this.oneStep();
        await this.keep();
        this.postState();
      } else if (m.type === 'stop') {
        this.running = false;
        // a step in flight is dropped: the state kept last stands
        if (!this.busy) await this.keep();
        this.post({ type: 'stopped' });
      }
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message, fatal: m.type === 'init' });
    }
  }

  private async init(m: Extract<ToWorker, { type: 'init' }>): Promise<void> {
    this.config = m.config;
    this.kind = m.backend;
    this.wasmUrl = m.wasmUrl;
    this.snapshotEvery = m.snapshotEvery;
    const ck = await fetchCheckpoint(m.checkpointUrl, (loaded, total) =>
      this.post({ type: 'progress', what: 'checkpoint', loaded, total }),
    );
    this.warmStart = ck;
    if (m.config.rewardCode.trim() !== '') {
      // the user's reward compiles before anything trains: a syntax error stops here, with its line
      await loadSandbox(m.sandboxUrl);
      await customRewardOf(m.config.rewardCode).catch((e: unknown) => {
        if (e instanceof SandboxError)
          throw new Error(`your reward${e.line !== null ? `, line ${e.line}` : ''}: ${e.message}`);
        throw e;
      });
    }
    this.warmStartId = fingerprint(ck);
    const adapter = await this.build(m.snapshot ?? null);
    this.post({ type: 'ready', backend: m.backend, adapter, params: countParams(ck.config) });
  }

  /** A trainer on a new backend: from the warm start, or from a kept state (a resume, a recovery). */
  private async build(snapshot: Uint8Array | null): Promise<AdapterReport | null> {
    const { be, adapter } = await createBackend(this.kind, (reason) => void this.recover(reason), this.wasmUrl);
    const t = snapshot
      ? resumeTrainer(be, this.config!, this.warmStart!, snapshot)
      : new RLTrainer(be, this.config!, this.warmStart!);
    this.trainer = t;
    this.snapshot = snapshot ? { bytes: snapshot, step: t.step } : null;
    t.onPhase = (phase, progress) => {
      // counts come per sampled row: the page hears them at most a few times a second, each one a render there
      const now = performance.now();
      const done = progress && progress.done >= progress.total;
      if (progress && !done && phase === this.lastPhase && now - this.lastPost < PHASE_MS) return;
      this.lastPhase = phase;
      this.lastPost = now;
      this.post({ type: 'phase', phase: this.phaseText(phase, progress), step: t.step });
    };
    return adapter;
  }

  private lastPhase = '';
  private lastPost = 0;

  /** When the counted phase under way began, to tell the time left from its rate. */
  private clock: { key: string; t0: number; done: number } | null = null;

  /** "held-out: scoring the warm start… 320 / 1,280 samples, about 40 s left": samples done of all, and the time left at the rate so far. */
  private phaseText(phase: string, p?: { done: number; total: number }): string {
    if (!p) return phase;
    const now = performance.now();
    const key = `${phase}|${p.total}`;
    // a new phase, or a new sampling pass of the same size, starts the clock again
    if (!this.clock || this.clock.key !== key || p.done < this.clock.done) this.clock = { key, t0: now, done: p.done };
    this.clock.done = p.done;
    const rate = p.done > 0 ? (now - this.clock.t0) / p.done : null;
    const left = rate !== null && p.done < p.total ? `, about ${duration(rate * (p.total - p.done))} left` : '';
    const n = (x: number) => x.toLocaleString('en-US');
    return `${phase}… ${n(p.done)} / ${n(p.total)} samples${left}`;
  }

  /** Keeps the state now (between steps) unless kept at this step already, and posts a copy with its checksum. */
  private async keep(): Promise<void> {
    const t = this.trainer;
    if (!t || t.stoppedReason || this.snapshot?.step === t.step) return;
    const bytes = await takeSnapshot(t, this.warmStartId);
    this.snapshot = { bytes, step: t.step };
    this.post(snapshotMessage(t.step, bytes));
  }

  private async recover(reason: string): Promise<void> {
    if (!this.config || !this.warmStart) return;
    const wasRunning = this.running;
    this.running = false;
    try {
      const from = this.snapshot;
      await this.build(from?.bytes ?? null);
      const step = from?.step ?? 0;
      this.post({
        type: 'recovered',
        message: `GPU device lost (${reason}); resumed from the state kept at step ${step}`,
        step,
      });
      this.post({ type: 'state', running: false, step });
      if (wasRunning) void this.loop();
    } catch (e) {
      this.post({
        type: 'error',
        message: `GPU device lost (${reason}) and could not be recovered: ${(e as Error).message}`,
        fatal: true,
      });
    }
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
      if (this.snapshotEvery > 0 && this.trainer.step % this.snapshotEvery === 0) await this.keep();
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
      // a task boundary between steps: on wasm a step awaits nothing but microtasks, so without it a Stop or Pause
      // sent meanwhile would not be read until the run ended
      await new Promise((r) => setTimeout(r, 0));
    }
    this.running = false;
    // paused, or done: the state is kept where it stopped
    await this.keep();
    this.postState();
  }

  private postState(): void {
    this.post({ type: 'state', running: this.running, step: this.trainer?.step ?? 0 });
  }
}

/** The least time between two progress reports of one phase. */
const PHASE_MS = 250;

/** A time left as people say it: "8 s", "3 min". */
function duration(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return s < 90 ? `${s} s` : `${Math.round(s / 60)} min`;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
const host = new TrainerHost((m) => scope.postMessage(m));
scope.onmessage = (ev: MessageEvent<ToWorker>) => void host.handle(ev.data);
