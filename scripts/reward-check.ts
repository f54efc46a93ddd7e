// npm run reward-check -- --checkpoint DIR --seed S --count N [--config JSON] [--reward FILE.js] [--backend wasm|cpu|webgpu] [--samples] --out FILE.json
// --reward FILE.js: the custom algorithm's reward, the JavaScript in FILE (as the page's editor holds it).
// Scores the ground-truth description and corrupted copies of it with the
// perception reward the RL config names (the training code path), and reports
// per corruption class how often the truth scores strictly higher. Runs on the
// wasm backend in Node (default), the CPU reference, or WebGPU in headless Chromium.
// --samples (CPU): instead, rank the model's own N sampled descriptions per
// problem within their group, as training does: AUC for exact descriptions,
// agreement with F1, and the F1 of the top k that forking would keep.

import { readFileSync, writeFileSync } from 'node:fs';
import { Params } from '../src/model/params';
import { TinyVLM } from '../src/model/tinyvlm';
import { configProblems } from '../src/rl/configValidation';
import { DEFAULT_RL, type RLConfig } from '../src/rl/config';
import {
  configuredReward,
  rewardCheck,
  rewardCheckTable,
  sampleRankCheck,
  type RewardCheckReport,
} from '../src/rl/rewardCheck';
import { warmStartFor } from '../src/tasks/families';
import { readCheckpointDir } from './checkpointFile';
import { bool, configJson, flags, int, oneOf, optText } from './cliArgs';
import { nodeBackend } from './nodeBackend';

const args = flags({
  checkpoint: optText(),
  seed: int(31337),
  count: int(500, 1),
  backend: oneOf(['wasm', 'cpu', 'webgpu'] as const, 'wasm'),
  config: configJson(),
  reward: optText(),
  samples: bool(),
  out: optText(),
});
const seed = args.seed;
const count = args.count;
const backend = args.backend;
const config: RLConfig = {
  ...DEFAULT_RL,
  ...args.config,
  ...(args.reward !== undefined ? { algo: 'custom' as const, rewardCode: readFileSync(args.reward, 'utf8') } : {}),
};
// the warm start the config's run would start from, unless one is named
const dir = args.checkpoint ?? `models/${warmStartFor(config.families, config.warmStart)}`;
const problems = configProblems(config);
if (problems) {
  console.error(`invalid config: ${problems}`);
  process.exit(2);
}
const { bytes, checkpoint: ck } = readCheckpointDir(dir);
const t0 = Date.now();
const nodeModel = () => {
  const be = nodeBackend(backend === 'cpu' ? 'cpu' : 'wasm');
  return new TinyVLM(be, ck.config, new Params(ck.config, be, ck.tensors));
};
if (args.samples) {
  const r = await sampleRankCheck(nodeModel(), config, seed, count);
  const f = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
  console.log(
    `sample ranking: ${config.algo}, miAgg ${config.miAgg}, gate ${config.percGate}, seed ${seed}, ${count} problems x ${config.N} samples (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );
  console.log(
    `within-group AUC (exact vs not): ${f(r.group_auc_exact)} over ${r.exact_pairs} pairs; agreement with F1: ${f(r.f1_agreement)} over ${r.f1_pairs} pairs; F1 of the top ${r.k}: ${r.topk_f1.toFixed(3)} vs all ${r.all_f1.toFixed(3)}`,
  );
  if (args.out)
    writeFileSync(
      args.out,
      JSON.stringify({ checkpoint: dir, ...r, wall_s: (Date.now() - t0) / 1000 }, null, 1) + '\n',
    );
  process.exit(0);
}
let report: RewardCheckReport;
let last = 0;
const progress = (n: number) => {
  if (Date.now() - last > 15000) {
    console.log(`  ${n}/${count}`);
    last = Date.now();
  }
};
try {
  if (backend !== 'webgpu') {
    report = await rewardCheck(configuredReward(nodeModel(), config), config, seed, count, { onProgress: progress });
  } else {
    const { withPage } = await import('./browser');
    report = await withPage('/scripts/rewardCheck/rewardCheckPage.ts', async (page) => {
      await page.exposeFunction('reportProgress', (n: number) => progress(n));
      return page.evaluate(([w, c, s, n]) => window.rewardCheckPage.run(w, c, s, n), [
        bytes.toString('base64'),
        config,
        seed,
        count,
      ] as const);
    });
  }
} catch (e) {
  console.error(`reward check failed: ${(e as Error).message}`);
  process.exit(1);
}
console.log(
  `reward check: ${config.algo}, miAgg ${config.miAgg}, miClip ${config.miClip}, gate ${config.percGate}, estimator ${config.estimator}, seed ${seed}, ${count} problems, ${backend} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
);
console.log(rewardCheckTable(report));
if (args.out) {
  writeFileSync(
    args.out,
    JSON.stringify({ checkpoint: dir, backend, ...report, wall_s: (Date.now() - t0) / 1000 }, null, 1) + '\n',
  );
  console.log(`wrote ${args.out}`);
}
