/// <reference lib="webworker" />
// The custom reward's compile check and reward check, off the page's thread. The page ends this
// worker to cancel a check; a reward's endless loop is stopped by the sandbox's own time limit.

import { createBackend } from '../backend/create';
import { loadSandbox, SandboxError } from '../lib/sandbox';
import { fetchCheckpoint } from '../model/checkpoint';
import { Params } from '../model/params';
import { TinyVLM } from '../model/tinyvlm';
import { CustomReward } from '../rl/customReward';
import { customGroupReward, rewardCheck } from '../rl/rewardCheck';
import type { CodeProblem, FromRewardCheck, ToRewardCheck } from './rewardCheckProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromRewardCheck) => scope.postMessage(m);

const problemOf = (e: unknown): CodeProblem =>
  e instanceof SandboxError
    ? { message: e.message, line: e.line }
    : { message: e instanceof Error ? e.message : String(e), line: null };

async function handle(m: ToRewardCheck): Promise<void> {
  try {
    await loadSandbox(m.sandboxUrl);
  } catch (e) {
    const problem = { message: `the sandbox could not load: ${problemOf(e).message}`, line: null };
    post(m.type === 'compile' ? { type: 'compiled', id: m.id, problem } : { type: 'failed', problem });
    return;
  }
  if (m.type === 'compile') {
    try {
      (await CustomReward.compile(m.source)).dispose();
      post({ type: 'compiled', id: m.id, problem: null });
    } catch (e) {
      post({ type: 'compiled', id: m.id, problem: problemOf(e) });
    }
    return;
  }
  const t0 = performance.now();
  try {
    let scorer: TinyVLM | null = null;
    if (m.config.rewardMI) {
      const ck = await fetchCheckpoint(m.checkpointUrl);
      const { be } = await createBackend('wasm', undefined, m.wasmUrl);
      scorer = new TinyVLM(be, ck.config, new Params(ck.config, be, ck.tensors));
    }
    const report = await rewardCheck(customGroupReward(scorer, m.config), m.config, m.seed, m.count, {
      onProgress: (done) => post({ type: 'progress', done, total: m.count }),
    });
    post({ type: 'report', report, ms: performance.now() - t0 });
  } catch (e) {
    post({ type: 'failed', problem: problemOf(e) });
  }
}

// one message at a time, in order: a compile queued behind a check waits for it
let queue = Promise.resolve();
scope.onmessage = (ev: MessageEvent<ToRewardCheck>) => {
  queue = queue.then(() => handle(ev.data));
};
