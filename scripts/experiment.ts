// npm run experiment -- --algo A --steps S --seed X [--config JSON] [--checkpoint URLPATH] [--backend webgpu|cpu] --out FILE.json
// One RL run from the shipped checkpoint: headless in Chromium through the
// trainer worker on WebGPU (default), or with --backend cpu the same trainer
// on the CPU reference backend in Node (the faster path on a machine without
// a GPU); writes the per-step metrics and the final held-out evaluation.

import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CpuBackend } from '../src/backend/cpu/cpuBackend';
import { RLTrainer } from '../src/rl/trainer';
import type { PromptRecord, StepMetrics } from '../src/rl/types';
import { configProblems, DEFAULT_RL, type RLConfig } from '../src/rl/config';
import type { ExperimentResult } from './experiment/experimentPage';
import { parseArgs, withPage } from './browser';
import { readCheckpointDir } from './checkpointFile';
import { configArg } from './cliArgs';

const args = parseArgs(process.argv.slice(2));
const config: RLConfig = {
  ...DEFAULT_RL,
  ...configArg(args),
  ...(args.algo ? { algo: args.algo as RLConfig['algo'] } : {}),
  ...(args.steps ? { steps: Number(args.steps) } : {}),
  ...(args.seed ? { seed: Number(args.seed) } : {}),
};
const problems = configProblems(config);
if (problems) {
  console.error(`invalid config: ${problems}`);
  process.exit(2);
}
const checkpoint = args.checkpoint ?? '/models/tinyvlm-v1/model.safetensors';
console.log(`experiment ${config.algo} seed ${config.seed} steps ${config.steps} from ${checkpoint}`);
const t0 = Date.now();
const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** The run on the CPU backend in Node: the trainer the worker runs, without the worker. */
async function runOnCpu(): Promise<ExperimentResult> {
  const ck = readCheckpointDir(dirname(checkpoint.replace(/^\//, ''))).checkpoint;
  const t = new RLTrainer(new CpuBackend(), config, ck);
  const steps: StepMetrics[] = [];
  let lastRecords: PromptRecord[] = [];
  for (let s = 0; s < config.steps; s++) {
    const r = await t.trainStep();
    steps.push(r.metrics);
    lastRecords = r.records;
    const m = r.metrics;
    log(
      `step ${m.step + 1}/${config.steps} answer ${m.answer_acc.toFixed(3)} perception ${m.perception_acc.toFixed(3)} F1 ${m.desc_f1.toFixed(3)} mi ${m.mean_mi?.toFixed(3) ?? '–'} blind ${m.reward_blind_frac.toFixed(3)} gen ${m.generated_tokens} ${(m.step_ms / 1000).toFixed(1)}s${m.heldout_answer_acc !== undefined ? ` heldout answer ${m.heldout_answer_acc.toFixed(3)} perception ${m.heldout_perception_acc!.toFixed(3)}` : ''}`,
    );
    if (m.error) return { config, steps, lastRecords, error: m.error };
  }
  t.free();
  return { config, steps, lastRecords, error: null };
}

const backend = args.backend ?? 'webgpu';
if (backend !== 'webgpu' && backend !== 'cpu') {
  console.error(`--backend must be webgpu or cpu, not ${backend}`);
  process.exit(2);
}
const result =
  backend === 'cpu'
    ? await runOnCpu()
    : await withPage('/scripts/experiment/experiment.html', async (page) => {
        await page.exposeFunction('reportProgress', log);
        return page.evaluate(([c, u]) => window.experiment.run(c, u), [config, checkpoint] as const) as Promise<ExperimentResult>;
      });
const last = [...result.steps].reverse().find((s) => s.heldout_answer_acc !== undefined);
const out = {
  config,
  checkpoint,
  backend,
  steps: result.steps,
  final: { heldout_answer_acc: last?.heldout_answer_acc ?? null, heldout_perception_acc: last?.heldout_perception_acc ?? null, at_step: last ? last.step + 1 : null },
  error: result.error,
  last_records: result.lastRecords,
  wall_s: (Date.now() - t0) / 1000,
};
if (args.out) writeFileSync(args.out, JSON.stringify(out, null, 1) + '\n');
console.log(result.error ? `stopped: ${result.error}` : `done: ${JSON.stringify(out.final)}`);
if (result.error) process.exit(1);
