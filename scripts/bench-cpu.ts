// npm run bench:cpu [-- --out FILE.json] [--reps N] [--rl-steps N] [--only ops|rl|mirl]
// The wasm backend against the CPU reference, in one Node process: matmul in the
// model's layouts and shapes, the RL step's other ops at its shapes, and an RL step of
// perception-r1 (G 6) and mirl (N 10, k 6) at 16 prompts from the shipped warm start
// (the mean of --rl-steps steps, 3 by default, after one warm-up). Each row is
// { op, shape, wasm_ms, cpu_ms, ratio, gflops } with ratio = wasm_ms / cpu_ms
// (below 1: wasm is faster) and the matmul rows' GFLOP/s on wasm.
// `--only mirl` (also part of the default run): MIRL (N 10, k 6, frozen scorer) against GRPO-16 on wasm alone,
// at the defaults of the wasm grid (data/experiment-wasm) less held-out evaluation, with each step's phases
// (#47); rows { op: 'mirl / grpo-16', shape, wasm_ms, phase_ms, ratio } with ratio = wall / GRPO-16's.

import { readFileSync, writeFileSync } from 'node:fs';
import type { Backend, MatmulOpts } from '../src/backend/backend';
import { kernelExports } from '../src/backend/wasm/kernelExports';
import { decodeCheckpoint } from '../src/model/checkpoint';
import { DEFAULT_RL, type RLConfig } from '../src/rl/config';
import { heldoutOf, RLTrainer } from '../src/rl/trainer';
import { flags, int, optOneOf, optText } from './cliArgs';
import { nodeBackend, wasmBytes } from './nodeBackend';

interface Row {
  op: string;
  phase_ms?: Record<string, number>;
  generated_tokens?: number;
  forward_tokens?: number;
  shape: string;
  wasm_ms: number;
  cpu_ms: number;
  ratio: number;
  gflops?: number;
}

const args = flags({
  out: optText(),
  reps: int(5, 1),
  'rl-steps': int(3, 1),
  only: optOneOf(['ops', 'rl', 'mirl'] as const),
});
const reps = args.reps;
const rlSteps = args['rl-steps'];
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
    return time(() => be.matmul({ out, a, b, M, N, K, ...opts }));
  };
  const w = ms(backends.wasm);
  const c = ms(backends.cpu);
  rows.push({
    op: 'matmul',
    shape: `${M}x${N}x${K}${note}`,
    wasm_ms: w,
    cpu_ms: c,
    ratio: w / c,
    gflops: (2 * B * M * N * K) / w / 1e6,
  });
}

// The reference for the GFLOP/s column: this machine's SIMD128 multiply-add peak, from the kernels' own probe
// (12 independent f32x4 chains, a multiply and an add each round, no memory), against the same 96 flops a round
// in plain JS over a Float32Array.
if (args.only === undefined || args.only === 'ops') {
  const probe = kernelExports(
    new WebAssembly.Instance(new WebAssembly.Module(wasmBytes()), { env: { abort: () => undefined } }),
  );
  const iters = 1e7;
  const lanes = new Float32Array(48).map((_, i) => 0.1 * (i + 1));
  const w = time(() => probe.simdPeak(iters));
  const c =
    time(() => {
      for (let i = 0; i < iters / 10; i++) for (let l = 0; l < 48; l++) lanes[l] = lanes[l] * 0.9999 + 0.0001;
    }) * 10;
  rows.push({
    op: 'simd peak',
    shape: '12 chains of f32x4 multiply + add',
    wasm_ms: w,
    cpu_ms: c,
    ratio: w / c,
    gflops: (iters * 96) / w / 1e6,
  });
}

if (args.only === undefined || args.only === 'ops') {
  for (const n of [128, 256, 512]) matmulRow(n, n, n, {}, '');
  // the model's own: activations x weights, their transposes in the backward, and attention-sized ones
  matmulRow(1536, 256, 64, {}, ' (MLP up)');
  matmulRow(1536, 64, 256, {}, ' (MLP down)');
  matmulRow(1536, 64, 256, { transB: true }, ' transB (dX of MLP up)');
  matmulRow(64, 256, 1536, { transA: true }, ' transA (dW of MLP up)');
  matmulRow(96, 96, 16, { transB: true, batch: 64 }, ' transB, batch 64 (scores)');
}

/** One row of a non-matmul op: `run` gets tensors made by `make` on each backend (inputs from sin, ids in range). */
function opRow(op: string, shape: string, make: (be: Backend) => () => void) {
  const w = time(make(backends.wasm));
  const c = time(make(backends.cpu));
  rows.push({ op, shape, wasm_ms: w, cpu_ms: c, ratio: w / c });
}
const filled = (be: Backend, n: number, f = Math.sin) =>
  be.fromArray(
    [n],
    Float32Array.from({ length: n }, (_, i) => f(i)),
  );
const idsOf = (be: Backend, n: number, V: number) =>
  be.fromArray(
    [n],
    Uint32Array.from({ length: n }, (_, i) => (i * 7) % V),
  );

if (args.only === undefined || args.only === 'ops') {
  // the RL step's other ops at its own shapes: 96 sequences of 72 positions, width 64, 4 heads, TinyVLM's vocabulary of 86
  const s = { B: 96, T: 72, C: 64, nHead: 4 };
  const rowsN = s.B * s.T;
  const prefix = (be: Backend) => be.fromArray([s.B], new Uint32Array(s.B).fill(50));
  opRow('attention', 'B96 T72 C64 H4 forward', (be) => {
    const [out, att, qkv, pre] = [
      be.zeros([rowsN * s.C]),
      be.zeros([s.B * s.nHead * s.T * s.T]),
      filled(be, rowsN * 3 * s.C),
      prefix(be),
    ];
    return () => be.attention({ out, att, qkv, prefix: pre, ...s });
  });
  opRow('attention', 'B96 T72 C64 H4 backward', (be) => {
    const [out, att, qkv, pre, dqkv, dout] = [
      be.zeros([rowsN * s.C]),
      be.zeros([s.B * s.nHead * s.T * s.T]),
      filled(be, rowsN * 3 * s.C),
      prefix(be),
      be.zeros([rowsN * 3 * s.C]),
      filled(be, rowsN * s.C, Math.cos),
    ];
    be.attention({ out, att, qkv, prefix: pre, ...s });
    const dpre = be.zeros([s.B * s.nHead * s.T * s.T]);
    return () => be.attentionBackward({ dqkv, dpre, dout, att, qkv, ...s });
  });
  opRow('gelu', `${rowsN}x256 forward`, (be) => {
    const [x, out] = [filled(be, rowsN * 256), be.zeros([rowsN * 256])];
    return () => be.gelu(out, x);
  });
  opRow('layer norm', `${rowsN}x64 forward`, (be) => {
    const [x, out, mean, rstd, w, b] = [
      filled(be, rowsN * 64),
      be.zeros([rowsN * 64]),
      be.zeros([rowsN]),
      be.zeros([rowsN]),
      filled(be, 64, Math.cos),
      filled(be, 64),
    ];
    return () => be.layerNorm({ out, mean, rstd, x, w, b, rows: rowsN, C: 64 });
  });
  const V = 86;
  opRow('log-softmax gather', `${rowsN}x${V} forward`, (be) => {
    const [logits, ids, out, lse] = [filled(be, rowsN * V), idsOf(be, rowsN, V), be.zeros([rowsN]), be.zeros([rowsN])];
    return () => be.logSoftmaxGather({ out, lse, logits, ids, N: rowsN, V });
  });
  opRow('entropy', `${rowsN}x${V}`, (be) => {
    const [logits, out] = [filled(be, rowsN * V), be.zeros([rowsN])];
    return () => be.entropy({ out, logits, N: rowsN, V });
  });
  opRow('embedding', `${rowsN}x64 forward, ${V} rows`, (be) => {
    const [table, ids, out] = [filled(be, V * 64), idsOf(be, rowsN, V), be.zeros([rowsN * 64])];
    return () => be.embedding({ out, ids, table, N: rowsN, C: 64 });
  });
}

if (args.only === undefined || args.only === 'rl') {
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
    const w = await stepMs(backends.wasm, cfg);
    const c = await stepMs(backends.cpu, cfg);
    rows.push({ op: 'rl step', shape, wasm_ms: w, cpu_ms: c, ratio: w / c });
  }
}

// MIRL against GRPO-16 per step on wasm (the comparison of the paper's compute claim): the grid's defaults, held-out
// evaluation off (it is the same evaluation for every arm; its own row below), the mean of --rl-steps steps after
// one warm-up. Steps 1..3 are not MI-metric steps for GRPO (metricEvery 10), so its row is its ordinary step.
const phaseRows: Row[] = [];
if (args.only === undefined || args.only === 'mirl') {
  const bytes = readFileSync('models/tinyvlm-v1/model.safetensors');
  const ck = decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const be = backends.wasm;
  const arms = [
    ['grpo G16, 16 prompts', { algo: 'grpo', G: 16 }],
    ['mirl N10 k6 (frozen scorer), 16 prompts', { algo: 'mirl', N: 10, k: 6, miScorer: 'warmstart' }],
  ] as const;
  for (const [shape, over] of arms) {
    const cfg: RLConfig = { ...DEFAULT_RL, ...over, heldoutEvery: 0, seed: 1 };
    const t = new RLTrainer(be, cfg, ck);
    await t.trainStep(); // warm-up
    const phases: Record<string, number> = {};
    const tok = { generated: 0, forward: 0 };
    const t0 = performance.now();
    for (let i = 0; i < rlSteps; i++) {
      const { metrics } = await t.trainStep();
      for (const [k, v] of Object.entries(metrics.phase_ms)) phases[k] = (phases[k] ?? 0) + (v ?? 0) / rlSteps;
      tok.generated += metrics.generated_tokens / rlSteps;
      tok.forward += metrics.forward_tokens / rlSteps;
    }
    const wall = (performance.now() - t0) / rlSteps;
    t.free();
    phaseRows.push({
      op: 'mirl / grpo-16',
      shape,
      wasm_ms: wall,
      cpu_ms: NaN,
      ratio: wall / (phaseRows[0]?.wasm_ms ?? wall),
      phase_ms: phases,
      generated_tokens: tok.generated,
      forward_tokens: tok.forward,
    });
  }
  // one held-out evaluation at the grid's size (every heldoutEvery steps, and of the warm start), outside both steps
  const t = new RLTrainer(be, { ...DEFAULT_RL, seed: 1 }, ck);
  const h0 = performance.now();
  await heldoutOf(t.model, DEFAULT_RL);
  const h = performance.now() - h0;
  t.free();
  phaseRows.push({
    op: 'held-out evaluation',
    shape: `${DEFAULT_RL.heldoutCount} problems x (${DEFAULT_RL.heldoutSamples} samples + greedy), every ${DEFAULT_RL.heldoutEvery} steps`,
    wasm_ms: h,
    cpu_ms: NaN,
    ratio: NaN,
  });
  rows.push(...phaseRows);
}

const f = (x: number) => (x < 10 ? x.toFixed(3) : x.toFixed(0));
console.log(
  [
    '| op | shape | wasm (ms) | cpu (ms) | wasm / cpu | GFLOP/s (wasm) |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ].join('\n'),
);
for (const r of rows)
  console.log(
    `| ${r.op} | ${r.shape} | ${f(r.wasm_ms)} | ${f(r.cpu_ms)} | ${r.ratio.toFixed(3)} | ${r.gflops?.toFixed(1) ?? ''} |`,
  );
if (phaseRows.length) {
  const names = ['sample', 'score', 'fork', 'update', 'metrics'];
  console.log(`\nwasm, per step (ms), mean of ${rlSteps} steps after a warm-up; ratio = wall / GRPO-16's`);
  console.log(`| arm | wall | ratio | ${names.join(' | ')} | generated tok | forward tok |`);
  console.log(`| --- | ---: | ---: | ${names.map(() => '---:').join(' | ')} | ---: | ---: |`);
  for (const r of phaseRows)
    console.log(
      `| ${r.shape} | ${r.wasm_ms.toFixed(0)} | ${Number.isNaN(r.ratio) ? '' : r.ratio.toFixed(3)} | ${names.map((n) => (r.phase_ms?.[n] ?? 0).toFixed(0)).join(' | ')} | ${r.generated_tokens?.toFixed(0) ?? ''} | ${r.forward_tokens?.toFixed(0) ?? ''} |`,
    );
}
if (args.out) {
  writeFileSync(args.out, JSON.stringify(rows, null, 2) + '\n');
  console.log(`wrote ${args.out}`);
}
