// npm run experiment -- --algo A --steps S --seed X [--config JSON] [--checkpoint URLPATH] --out FILE.json
// One RL run headless in Chromium through the trainer worker, from the shipped
// checkpoint; writes the per-step metrics and the final held-out evaluation.

import { writeFileSync } from 'node:fs';
import { DEFAULT_RL, validateRL, type RLConfig } from '../src/rl/config';
import type { ExperimentResult } from './experiment/experimentPage';
import { parseArgs, withPage } from './browser';

const args = parseArgs(process.argv.slice(2));
const config: RLConfig = {
  ...DEFAULT_RL,
  ...(args.config ? (JSON.parse(args.config) as Partial<RLConfig>) : {}),
  ...(args.algo ? { algo: args.algo as RLConfig['algo'] } : {}),
  ...(args.steps ? { steps: Number(args.steps) } : {}),
  ...(args.seed ? { seed: Number(args.seed) } : {}),
};
const errors = validateRL(config);
if (Object.keys(errors).length) {
  console.error(`invalid config: ${Object.entries(errors).map(([k, v]) => `${k} must be ${v}`).join('; ')}`);
  process.exit(2);
}
const checkpoint = args.checkpoint ?? '/models/tinyvlm-v1/model.safetensors';
console.log(`experiment ${config.algo} seed ${config.seed} steps ${config.steps} from ${checkpoint}`);
const t0 = Date.now();
const result = await withPage('/scripts/experiment/experiment.html', async (page) => {
  await page.exposeFunction('reportProgress', (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`));
  return page.evaluate(([c, u]) => window.experiment.run(c, u), [config, checkpoint] as const) as Promise<ExperimentResult>;
});
const last = [...result.steps].reverse().find((s) => s.heldout_answer_acc !== undefined);
const out = {
  config,
  checkpoint,
  steps: result.steps,
  final: { heldout_answer_acc: last?.heldout_answer_acc ?? null, heldout_perception_acc: last?.heldout_perception_acc ?? null, at_step: last ? last.step + 1 : null },
  error: result.error,
  last_records: result.lastRecords,
  wall_s: (Date.now() - t0) / 1000,
};
if (args.out) writeFileSync(args.out, JSON.stringify(out, null, 1) + '\n');
console.log(result.error ? `stopped: ${result.error}` : `done: ${JSON.stringify(out.final)}`);
if (result.error) process.exit(1);
