// npm run bench [-- --out FILE.json] [--reps N] [--only NAME]
// Times the WGSL kernels in headless Chromium; matmul is compared with
// onnxruntime-web's WebGPU backend on the same device in the same page.

import { writeFileSync } from 'node:fs';
import type { BenchRow } from './bench/benchPage';
import { parseArgs, withPage } from './browser';

const args = parseArgs(process.argv.slice(2));
const reps = Number(args.reps ?? 7);
const sizes = (args.sizes ?? '128,256,512').split(',').map(Number);

const rows = await withPage('/scripts/bench/bench.html', (page) =>
  page.evaluate((o) => window.bench.runBench(o), { reps, sizes, only: args.only }),
);

const fmt = (x: number | undefined, d = 2) => (x === undefined ? '' : x.toFixed(d));
const table = [
  '| kernel | shape | ours (ms) | onnxruntime-web (ms) | ours / ref | note |',
  '| --- | --- | ---: | ---: | ---: | --- |',
  ...rows.map((r: BenchRow) => `| ${r.kernel} | ${r.shape} | ${fmt(r.ours_ms)} | ${fmt(r.ref_ms)} | ${fmt(r.ratio)} | ${r.note ?? ''} |`),
];
console.log(table.join('\n'));
if (args.out) {
  writeFileSync(args.out, JSON.stringify(rows.map(({ note: _n, ...r }) => r), null, 2) + '\n');
  console.log(`wrote ${args.out}`);
}
