// The page's side of the reward check worker: compiles the custom reward as it is edited (one
// worker, kept), and runs a reward check in a worker of its own, ended to cancel it.

import type { RLConfig } from '../rl/config';
import type { RewardCheckReport } from '../rl/rewardCheck';
import type { CodeProblem, FromRewardCheck, ToRewardCheck } from '../worker/rewardCheckProtocol';
import { checkpointUrlOf, SANDBOX_URL, WASM_URL } from './trainerClient';

const newWorker = () => new Worker(new URL('../worker/rewardCheckWorker.ts', import.meta.url), { type: 'module' });

let compiler: Worker | null = null;
let lastId = 0;

/** The code's first problem (null: it compiles and defines reward), for the latest source asked about. */
export function compileReward(source: string): Promise<CodeProblem | null | 'stale'> {
  const id = ++lastId;
  if (!compiler) compiler = newWorker();
  const w = compiler;
  return new Promise((resolve) => {
    const onMessage = (ev: MessageEvent<FromRewardCheck>) => {
      const m = ev.data;
      if (m.type !== 'compiled' || m.id !== id) return;
      w.removeEventListener('message', onMessage);
      // an answer for a source since edited is of no use
      resolve(id === lastId ? m.problem : 'stale');
    };
    w.addEventListener('message', onMessage);
    w.postMessage({ type: 'compile', id, source, sandboxUrl: SANDBOX_URL } satisfies ToRewardCheck);
  });
}

export interface CheckHandle {
  done: Promise<{ report: RewardCheckReport; ms: number } | { problem: CodeProblem }>;
  cancel(): void;
}

/** The reward check of `config`'s custom reward on `count` held-out problems; progress told as it goes. */
export function checkReward(config: RLConfig, count: number, onProgress: (done: number) => void): CheckHandle {
  const w = newWorker();
  let settle: (v: Awaited<CheckHandle['done']>) => void = () => undefined;
  const done = new Promise<Awaited<CheckHandle['done']>>((resolve) => {
    settle = (v) => {
      w.terminate();
      resolve(v);
    };
  });
  w.onmessage = (ev: MessageEvent<FromRewardCheck>) => {
    const m = ev.data;
    if (m.type === 'progress') onProgress(m.done);
    else if (m.type === 'report') settle({ report: m.report, ms: m.ms });
    else if (m.type === 'failed') settle({ problem: m.problem });
  };
  w.onerror = (ev) => settle({ problem: { message: `the check's worker failed: ${ev.message}`, line: null } });
  w.postMessage({
    type: 'check',
    config,
    seed: config.heldoutSeed,
    count,
    sandboxUrl: SANDBOX_URL,
    checkpointUrl: checkpointUrlOf(config),
    wasmUrl: WASM_URL,
  } satisfies ToRewardCheck);
  return { done, cancel: () => settle({ problem: { message: 'cancelled', line: null } }) };
}
