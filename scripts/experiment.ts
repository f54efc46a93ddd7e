// npm run experiment -- --algo A --steps S --seed X [--config JSON] [--checkpoint URLPATH] [--backend wasm|cpu|webgpu]
//   [--task-heldout a,b [--task-heldout-count N]] --out FILE.json
// --reward FILE: the custom algorithm, its reward the JavaScript in FILE (the page's editor's source, run in the same sandbox).
// One RL run from the shipped checkpoint (the grounding warm start when its families draw boxes): in Node on the WebAssembly SIMD backend
// (default: the fastest path on a machine without a GPU, `npm run bench:cpu`) or
// the CPU reference, or headless in Chromium through the trainer worker on WebGPU; writes the per-step metrics and every held-out evaluation (`heldout`:
// [{ step, count, sampled, greedy, gt_desc_nll }], the warm start as step 0). --task-heldout also scores the warm start
// and the final policy on held-out problems of each of those families alone (`task_heldout`: [{ family, start, end }];
// Node backends): what training on a task did to the task itself, beside what it did to the default mix.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { heldoutOf, RLTrainer } from '../src/rl/trainer';
import type { HeldoutFigures } from '../src/model/evaluate';
import type { PromptRecord, StepMetrics } from '../src/rl/types';
import { configProblems } from '../src/rl/configValidation';
import { DEFAULT_RL, type RLConfig } from '../src/rl/config';
import { warmStartFor, type FamilyName } from '../src/tasks/families';
import type { ExperimentResult } from './experiment/experimentPage';
import { withPage } from './browser';
import { nodeBackend } from './nodeBackend';
import { readCheckpointDir } from './checkpointFile';
import { configJson, familyList, flags, int, oneOf, optInt, optText } from './cliArgs';
import { heldoutLine, stepLine } from './experiment/stepLine';

const args = flags({
  algo: optText(),
  steps: optInt(1),
  seed: optInt(),
  config: configJson(),
  reward: optText(),
  checkpoint: optText(),
  backend: oneOf(['wasm', 'cpu', 'webgpu'] as const, 'wasm'),
  'task-heldout': familyList(),
  'task-heldout-count': int(256, 1),
  out: optText(),
});
// the flags over --config; the config's own checks below name a bad algorithm
const config: RLConfig = {
  ...DEFAULT_RL,
  ...args.config,
  ...(args.algo !== undefined ? { algo: args.algo as RLConfig['algo'] } : {}),
  ...(args.steps !== undefined ? { steps: args.steps } : {}),
  ...(args.seed !== undefined ? { seed: args.seed } : {}),
  ...(args.reward !== undefined ? { algo: 'custom' as const, rewardCode: readFileSync(args.reward, 'utf8') } : {}),
};
const problems = configProblems(config);
if (problems) {
  console.error(`invalid config: ${problems}`);
  process.exit(2);
}
const taskFamilies = args['task-heldout'];
if (taskFamilies && args.backend === 'webgpu') {
  console.error('--task-heldout runs in Node: use --backend wasm (or cpu)');
  process.exit(2);
}
const checkpoint = args.checkpoint ?? `/models/${warmStartFor(config.families, config.warmStart)}/model.safetensors`;
console.log(`experiment ${config.algo} seed ${config.seed} steps ${config.steps} from ${checkpoint}`);
const t0 = Date.now();
const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** One task family's held-out set (the config's held-out seed and samples, that family alone): the warm start and the end. */
interface TaskHeldout {
  family: FamilyName;
  start: HeldoutFigures;
  end: HeldoutFigures | null;
}

/** The run in Node (wasm or the CPU reference): the trainer the worker runs, without the worker. */
async function runInNode(kind: 'wasm' | 'cpu'): Promise<ExperimentResult & { taskHeldout: TaskHeldout[] }> {
  const ck = readCheckpointDir(dirname(checkpoint.replace(/^\//, ''))).checkpoint;
  const t = new RLTrainer(nodeBackend(kind), config, ck);
  // each family on its own seeds and streams: scoring them does not change what the run draws
  const onTask = async (at: string): Promise<HeldoutFigures[]> => {
    const out: HeldoutFigures[] = [];
    for (const f of taskFamilies ?? []) {
      out.push(await heldoutOf(t.model, { ...config, heldoutCount: args['task-heldout-count'] }, [f]));
      log(`task held-out ${f}, ${at}: ${heldoutLine(out[out.length - 1])}`);
    }
    return out;
  };
  const taskStart = await onTask('warm start');
  const tasks = (end: HeldoutFigures[] | null): TaskHeldout[] =>
    taskStart.map((start, i) => ({ family: taskFamilies![i], start, end: end?.[i] ?? null }));
  const steps: StepMetrics[] = [];
  let lastRecords: PromptRecord[] = [];
  for (let s = 0; s < config.steps; s++) {
    const r = await t.trainStep();
    steps.push(r.metrics);
    lastRecords = r.records;
    const m = r.metrics;
    log(stepLine(m, config.steps));
    if (m.error) return { config, steps, lastRecords, error: m.error, taskHeldout: tasks(null) };
  }
  const taskEnd = await onTask(`step ${config.steps}`);
  t.free();
  return { config, steps, lastRecords, error: null, taskHeldout: tasks(taskEnd) };
}

const backend = args.backend;
const result: ExperimentResult & { taskHeldout?: TaskHeldout[] } =
  backend !== 'webgpu'
    ? await runInNode(backend)
    : await withPage('/scripts/experiment/experimentPage.ts', async (page) => {
        await page.exposeFunction('reportProgress', log);
        return page.evaluate(([c, u]) => window.experiment.run(c, u), [
          config,
          checkpoint,
        ] as const) as Promise<ExperimentResult>;
      });
// Every held-out evaluation of the run, the warm start's as step 0: one shape for the report and the checks.
const heldout = result.steps.flatMap((s) => [
  ...(s.heldout_start ? [{ step: 0, ...s.heldout_start }] : []),
  ...(s.heldout ? [{ step: s.step + 1, ...s.heldout }] : []),
]);
const out = {
  config,
  checkpoint,
  backend,
  steps: result.steps,
  heldout,
  final: heldout.length ? heldout[heldout.length - 1] : null,
  ...(result.taskHeldout?.length ? { task_heldout: result.taskHeldout } : {}),
  error: result.error,
  last_records: result.lastRecords,
  wall_s: (Date.now() - t0) / 1000,
};
if (args.out) writeFileSync(args.out, JSON.stringify(out, null, 1) + '\n');
console.log(result.error ? `stopped: ${result.error}` : `done: ${JSON.stringify(out.final)}`);
if (result.error) process.exit(1);
