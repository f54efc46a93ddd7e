// npm run eval -- --checkpoint DIR --seed S --count N [--samples K] --out FILE.json [--card] [--backend webgpu|wasm|cpu] [--families a,b]
// N held-out problems of seed S in headless Chromium on WebGPU, the product's path and the
// one the model card is measured on (or in Node: --backend wasm, about 10x the CPU
// reference and far faster than SwiftShader, or --backend cpu): K samples per problem
// at temperature 1 (default 4; 0 for greedy only), whose means with their
// standard errors are the figures RL is judged by, and greedy decoding beside
// them: answer accuracy, description exact-match and F1, and the mean MI of
// right vs wrong descriptions, overall and per family. --card rewrites
// DIR/README.md from these figures and DIR/training.json.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeBackend } from './nodeBackend';
import { evaluate, type EvalReport } from '../src/model/evaluate';
import { Params } from '../src/model/params';
import { TinyVLM } from '../src/model/tinyvlm';
import { withPage } from './browser';
import { bool, familyList, flags, int, oneOf, optText, text } from './cliArgs';
import { readCheckpointDir } from './checkpointFile';
import { writeCard } from './eval/card';
import { heldoutLine } from './experiment/stepLine';

const args = flags({
  checkpoint: text('models/tinyvlm-v1'),
  seed: int(2026),
  count: int(1000, 1),
  samples: int(4, 0, 64),
  backend: oneOf(['webgpu', 'wasm', 'cpu'] as const, 'webgpu'),
  out: optText(),
  card: bool(),
  families: familyList(),
});
const families = args.families;
if (families && args.backend === 'webgpu') {
  console.error('--families runs in Node: add --backend wasm (or cpu)');
  process.exit(2);
}
const dir = args.checkpoint;
const seed = args.seed;
const count = args.count;
const samples = args.samples;
const { bytes, checkpoint: ck } = readCheckpointDir(dir);
const backend = args.backend;
const weights = bytes.toString('base64');
const t0 = Date.now();
async function inNode(kind: 'wasm' | 'cpu'): Promise<EvalReport> {
  const be = nodeBackend(kind);
  return evaluate(new TinyVLM(be, ck.config, new Params(ck.config, be, ck.tensors)), seed, count, {
    samples,
    families,
  });
}
const report =
  backend !== 'webgpu'
    ? await inNode(backend)
    : await withPage('/scripts/eval/evalPage.ts', async (page) => {
        let last = 0;
        await page.exposeFunction('reportProgress', (msg: string) => {
          if (Date.now() - last > 15000) {
            console.log(`  ${msg}`);
            last = Date.now();
          }
        });
        return page.evaluate(([w, s, n, k]) => window.evalPage.run(w, s, n, k), [
          weights,
          seed,
          count,
          samples,
        ] as const) as Promise<EvalReport>;
      });
const json = { checkpoint: dir, backend, ...report, wall_s: (Date.now() - t0) / 1000 };
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const mi = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
console.log(heldoutLine(report.heldout));
console.log('\nGreedy decoding:');
console.log(
  '| family | count | answer acc | answer score | blind floor | desc exact | desc F1 | MI right | MI wrong |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [f, s] of [...Object.entries(report.families), ['overall', report.overall] as const]) {
  if (!s) continue;
  console.log(
    `| ${f} | ${s.count} | ${pct(s.answer_acc)} | ${s.answer_score.toFixed(3)} | ${pct(s.blind_floor)} | ${pct(s.desc_exact)} | ${s.desc_f1.toFixed(3)} | ${mi(s.mi_right)} | ${mi(s.mi_wrong)} |`,
  );
}
if (args.out) {
  writeFileSync(args.out, JSON.stringify(json, null, 2) + '\n');
  console.log(`wrote ${args.out}`);
}
if (args.card) {
  writeCard(dir, json);
  console.log(`wrote ${join(dir, 'README.md')}`);
}
