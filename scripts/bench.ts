// npm run bench [-- --out FILE.json] [--reps N] [--only NAME] [--rl-steps N]
// Times the WGSL kernels in headless Chromium; matmul is compared with
// onnxruntime-web's WebGPU backend on the same device in the same page.
// `--only rl` runs just the RL-step rows (one step of each algorithm from the
// shipped warm start; ratios against the grpo G16 row). `--only mirl`: MIRL and GRPO-16 alone, at 4 and at 16
// prompts per step (#47).

import { writeFileSync } from 'node:fs';
import type { BenchRow } from './bench/benchPage';
import type { RLStepRow } from './bench/rlStep';
import { withPage } from './browser';
import { flags, int, optText, text } from './cliArgs';

const args = flags({
  out: optText(),
  reps: int(7, 1),
  'rl-steps': int(3, 1),
  sizes: text('128,256,512'),
  only: optText(),
});
const reps = args.reps;
const rlSteps = args['rl-steps'];
const sizes = args.sizes.split(',').map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error(`--sizes must be positive integers separated by commas, not ${args.sizes}`);
  process.exit(2);
}
const only = args.only === 'rl' ? 'rl step' : args.only; // 'teaching': the teaching comparison's arms and its held-out evaluation

const rows = await withPage('/scripts/bench/benchPage.ts', (page) =>
  page.evaluate((o) => window.bench.runBench(o), { reps, sizes, only, rlSteps }),
);

const isRL = (r: BenchRow | RLStepRow): r is RLStepRow => r.kernel === 'rl step';
const fmt = (x: number | undefined, d = 2) => (x === undefined ? '' : x.toFixed(d));
const kernels = rows.filter((r): r is BenchRow => !isRL(r));
if (kernels.length) {
  console.log(
    [
      '| kernel | shape | ours (ms) | onnxruntime-web (ms) | ours / ref | note |',
      '| --- | --- | ---: | ---: | ---: | --- |',
      ...kernels.map(
        (r) =>
          `| ${r.kernel} | ${r.shape} | ${fmt(r.ours_ms)} | ${fmt(r.ref_ms)} | ${fmt(r.ratio)} | ${r.note ?? ''} |`,
      ),
    ].join('\n'),
  );
}
const rl = rows.filter(isRL);
if (rl.length) {
  const s = (ms: number) => (ms / 1000).toFixed(2);
  console.log(
    [
      '',
      `RL step, mean of ${rlSteps} steps after a warm-up step (the same prompts in every row); ratio = wall / the first row's of the same prompts per step (${rl[0].shape})`,
      '| algorithm | wall (s) | ratio | sample | score | fork | update | metrics | score share | generated tok | forward tok | dispatches | submits | readbacks |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rl.map(
        (r) =>
          `| ${r.shape} | ${s(r.ours_ms)} | ${fmt(r.ratio)} | ${s(r.phase_ms.sample)} | ${s(r.phase_ms.score)} | ${s(r.phase_ms.fork)} | ${s(r.phase_ms.update)} | ${s(r.phase_ms.metrics)} | ${((100 * r.phase_ms.score) / r.ours_ms).toFixed(0)}% | ${r.generated_tokens.toFixed(0)} | ${r.forward_tokens.toFixed(0)} | ${r.dispatches.toFixed(0)} | ${r.submits.toFixed(0)} | ${r.readbacks.toFixed(0)} |`,
      ),
    ].join('\n'),
  );
}
if (args.out) {
  writeFileSync(
    args.out,
    JSON.stringify(
      rows.map(({ note: _n, ...r }) => r),
      null,
      2,
    ) + '\n',
  );
  console.log(`wrote ${args.out}`);
}
