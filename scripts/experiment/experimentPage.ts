// One RL run driven through the real trainer worker, as the playground drives it.
import type { RLConfig } from '../../src/rl/config';
import type { PromptRecord, StepMetrics } from '../../src/rl/types';
import type { FromWorker, ToWorker } from '../../src/worker/protocol';
import { stepLine } from './stepLine';
import sandboxPath from '@jitl/quickjs-wasmfile-release-sync/wasm?url';

export interface ExperimentResult {
  config: RLConfig;
  steps: StepMetrics[];
  /** The rollout records of the last step: what the descriptions had become. */
  lastRecords: PromptRecord[];
  error: string | null;
}

declare global {
  interface Window {
    reportProgress(msg: string): Promise<void>;
    experiment: { run(config: RLConfig, checkpointUrl: string): Promise<ExperimentResult> };
  }
}

function run(config: RLConfig, checkpointUrl: string): Promise<ExperimentResult> {
  const worker = new Worker(new URL('../../src/worker/trainerWorker.ts', import.meta.url), { type: 'module' });
  const send = (m: ToWorker) => worker.postMessage(m);
  const steps: StepMetrics[] = [];
  let lastRecords: PromptRecord[] = [];
  return new Promise((resolve) => {
    worker.onmessage = (ev: MessageEvent<FromWorker>) => {
      const m = ev.data;
      if (m.type === 'ready') {
        void window.reportProgress(`worker ready on ${m.backend} (${m.params} parameters)`);
        send({ type: 'run' });
      } else if (m.type === 'step') {
        const s = m.report.metrics;
        steps.push(s);
        lastRecords = m.report.records;
        void window.reportProgress(stepLine(s, config.steps));
      } else if (m.type === 'state' && !m.running && m.step >= config.steps) {
        worker.terminate();
        resolve({ config, steps, lastRecords, error: null });
      } else if (m.type === 'error' && m.fatal) {
        worker.terminate();
        resolve({ config, steps, lastRecords, error: m.message });
      } else if (m.type === 'error' || m.type === 'recovered') {
        void window.reportProgress(`${m.type}: ${m.message}`);
      }
    };
    // the state kept every 5 steps is what a device loss recovers from (the page stores none)
    send({
      type: 'init',
      config,
      checkpointUrl,
      wasmUrl: '',
      // a custom reward runs in the same sandbox build as the page's
      sandboxUrl: new URL(sandboxPath, location.href).href,
      backend: 'webgpu',
      snapshotEvery: 5,
    });
  });
}

window.experiment = { run };
document.body.dataset.ready = 'true';
