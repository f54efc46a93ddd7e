// npm run reward-check -- --checkpoint DIR --seed S --count N [--config JSON] [--backend cpu|webgpu] [--samples] --out FILE.json
// Scores the ground-truth description and corrupted copies of it with the
// perception reward the RL config names (the training code path), and reports
// per corruption class how often the truth scores strictly higher. Runs on the
// CPU backend in Node (default) or on WebGPU in headless Chromium.
// --samples (CPU): instead, rank the model's own N sampled descriptions per
// problem within their group, as training does: AUC for exact descriptions,
// agreement with F1, and the F1 of the top k that forking would keep.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CpuBackend } from '../src/backend/cpu/cpuBackend';
import { decodeCheckpoint } from '../src/model/checkpoint';
import { Params } from '../src/model/params';
import { TinyVLM } from '../src/model/tinyvlm';
import { DEFAULT_RL, validateRL, type RLConfig } from '../src/rl/config';
import { configuredReward, rewardCheck, rewardCheckTable, sampleRankCheck, type RewardCheckReport } from '../src/rl/rewardCheck';
import { parseArgs } from './cliArgs';

const args = parseArgs(process.argv.slice(2));
const dir = args.checkpoint ?? 'models/tinyvlm-v1';
const seed = Number(args.seed ?? 31337);
const count = Number(args.count ?? 500);
const backend = args.backend ?? 'cpu';
let config: RLConfig;
try {
  config = { ...DEFAULT_RL, ...(args.config ? (JSON.parse(args.config) as Partial<RLConfig>) : {}) };
} catch (e) {
  console.error(`--config is not JSON: ${(e as Error).message}`);
  process.exit(2);
}
const errors = validateRL(config);
if (Object.keys(errors).length) {
  console.error(`invalid config: ${Object.entries(errors).map(([k, v]) => `${k} must be ${v}`).join('; ')}`);
  process.exit(2);
}
const weightsPath = join(dir, 'model.safetensors');
if (!existsSync(weightsPath)) {
  console.error(`no checkpoint at ${weightsPath}`);
  process.exit(2);
}
if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 1) {
  console.error('--seed and --count must be integers, --count at least 1');
  process.exit(2);
}
const bytes = readFileSync(weightsPath);
const t0 = Date.now();
if (args.samples) {
  const ck = decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const be = new CpuBackend();
  const r = await sampleRankCheck(new TinyVLM(be, ck.config, new Params(ck.config, be, ck.tensors)), config, seed, count);
  const f = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
  console.log(`sample ranking: ${config.algo}, miAgg ${config.miAgg}, gate ${config.percGate}, seed ${seed}, ${count} problems x ${config.N} samples (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  console.log(`within-group AUC (exact vs not): ${f(r.group_auc_exact)} over ${r.exact_pairs} pairs; agreement with F1: ${f(r.f1_agreement)} over ${r.f1_pairs} pairs; F1 of the top ${r.k}: ${r.topk_f1.toFixed(3)} vs all ${r.all_f1.toFixed(3)}`);
  if (args.out) writeFileSync(args.out, JSON.stringify({ checkpoint: dir, ...r, wall_s: (Date.now() - t0) / 1000 }, null, 1) + '\n');
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
  if (backend === 'cpu') {
    const ck = decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const be = new CpuBackend();
    const model = new TinyVLM(be, ck.config, new Params(ck.config, be, ck.tensors));
    report = await rewardCheck(configuredReward(model, config), config, seed, count, { onProgress: progress });
  } else if (backend === 'webgpu') {
    const { withPage } = await import('./browser');
    report = await withPage('/scripts/rewardCheck/rewardCheck.html', async (page) => {
      await page.exposeFunction('reportProgress', (n: number) => progress(n));
      return page.evaluate(([w, c, s, n]) => window.rewardCheckPage.run(w, c, s, n), [bytes.toString('base64'), config, seed, count] as const);
    });
  } else {
    console.error(`--backend must be cpu or webgpu, not ${backend}`);
    process.exit(2);
  }
} catch (e) {
  console.error(`reward check failed: ${(e as Error).message}`);
  process.exit(1);
}
console.log(`reward check: ${config.algo}, miAgg ${config.miAgg}, miClip ${config.miClip}, gate ${config.percGate}, estimator ${config.estimator}, seed ${seed}, ${count} problems, ${backend} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
console.log(rewardCheckTable(report));
if (args.out) {
  writeFileSync(args.out, JSON.stringify({ checkpoint: dir, backend, ...report, wall_s: (Date.now() - t0) / 1000 }, null, 1) + '\n');
  console.log(`wrote ${args.out}`);
}
