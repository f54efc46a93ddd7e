// npm run bench:cpu [-- --out FILE.json] [--reps N] [--rl-steps N] [--only ops|rl]
// The wasm backend against the CPU reference, in one Node process: matmul in the
// model's layouts and shapes, and one RL step of perception-r1 (G 6) and mirl
// (N 10, k 6) at 16 prompts from the shipped warm start. Each row is
// { op, shape, wasm_ms, cpu_ms, ratio, gflops } with ratio = wasm_ms / cpu_ms
// (below 1: wasm is faster) and the matmul rows' GFLOP/s on wasm.

import { readFileSync, writeFileSync } from 'node:fs';
import type { Backend, MatmulOpts } from '../src/backend/backend';
import { decodeCheckpoint } from '../src/model/checkpoint';
import { DEFAULT_RL, type RLConfig } from '../src/rl/config';
import { RLTrainer } from '../src/rl/trainer';
import { parseArgs } from './cliArgs';
import { nodeBackend } from './nodeBackend';

interface Row {
  op: string;
  shape: string;
  wasm_ms: number;
  cpu_ms: number;
  ratio: number;
  gflops?: number;
}

const args = parseArgs(process.argv.slice(2));
const reps = Number(args.reps ?? 5);
const rlSteps = Number(args['rl-steps'] ?? 1);
const backends = { wasm: nodeBackend('wasm'), cpu: nodeBackend('cpu') };
const rows: Row[] = [];

/** Median wall of `reps` calls after one warm-up. */
function time(f: () => void): number {
  f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b)[ts.length >> 1];
}

function matmulRow(M: number, N: number, K: number, opts: MatmulOpts, note: string) {
  const B = opts.batch ?? 1;
  const ms = (be: Backend) => {
    const a = be.fromArray(
      [B * M * K],
      Float32Array.from({ length: B * M * K }, (_, i) => Math.sin(i)),
    );
    const b = be.fromArray(
      [B * K * N],
      Float32Array.from({ length: B * K * N }, (_, i) => Math.cos(i)),
    );
    const out = be.zeros([B * M * N]);
    return time(() => be.matmul(out, a, b, null, M, N, K, opts));
  };
  const w = ms(backends.wasm),
    c = ms(backends.cpu);
  rows.push({ op: 'matmul', shape: `${M}x${N}x${K}${note}`, wasm_ms: w, cpu_ms: c, ratio: w / c, gflops: (2 * B * M * N * K) / w / 1e6 });
}

if (args.only !== 'rl') {
  for (const n of [128, 256, 512]) matmulRow(n, n, n, {}, '');
  // the model's own: activations x weights, their transposes in the backward, and attention-sized ones
  matmulRow(1536, 256, 64, {}, ' (MLP up)');
  matmulRow(1536, 64, 256, {}, ' (MLP down)');
  matmulRow(1536, 64, 256, { transB: true }, ' transB (dX of MLP up)');
  matmulRow(64, 256, 1536, { transA: true }, ' transA (dW of MLP up)');
  matmulRow(96, 96, 16, { transB: true, batch: 64 }, ' transB, batch 64 (scores)');
}

if (args.only !== 'ops') {
  const bytes = readFileSync('models/tinyvlm-v1/model.safetensors');
  const ck = decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const stepMs = async (be: Backend, cfg: RLConfig) => {
    const t = new RLTrainer(be, cfg, ck);
    await t.trainStep(); // warm-up
    const t0 = performance.now();
    for (let i = 0; i < rlSteps; i++) await t.trainStep();
    t.free();
    return (performance.now() - t0) / rlSteps;
  };
  for (const [shape, over] of [
    ['perception-r1 G6, 16 prompts', { algo: 'perception-r1', G: 6 }],
    ['mirl N10 k6 (frozen scorer), 16 prompts', { algo: 'mirl', N: 10, k: 6, miScorer: 'warmstart' }],
  ] as const) {
    const cfg: RLConfig = { ...DEFAULT_RL, ...over, batchPrompts: 16, heldoutEvery: 0, seed: 1 };
    const w = await stepMs(backends.wasm, cfg),
      c = await stepMs(backends.cpu, cfg);
    rows.push({ op: 'rl step', shape, wasm_ms: w, cpu_ms: c, ratio: w / c });
  }
}

const f = (x: number) => (x < 10 ? x.toFixed(3) : x.toFixed(0));
console.log(['| op | shape | wasm (ms) | cpu (ms) | wasm / cpu | GFLOP/s (wasm) |', '| --- | --- | ---: | ---: | ---: | ---: |'].join('\n'));
for (const r of rows) console.log(`| ${r.op} | ${r.shape} | ${f(r.wasm_ms)} | ${f(r.cpu_ms)} | ${r.ratio.toFixed(3)} | ${r.gflops?.toFixed(1) ?? ''} |`);
if (args.out) {
  writeFileSync(args.out, JSON.stringify(rows, null, 2) + '\n');
  console.log(`wrote ${args.out}`);
}
