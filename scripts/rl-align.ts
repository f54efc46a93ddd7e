// npm run rl-align -- [--backend wasm|cpu] [--config JSON] [--batches K]
// Does the RL update point anywhere useful? At the shipped warm start (lr 0, so
// every batch is an independent draw at the same point), the cosine between
// the RL loss gradient of one batch, and of the sum of the first k batches,
// and the supervised loss gradient on 256 held-out problems (seed 4242); as a
// ceiling, the cosine between two independent held-out supervised gradients.
// A sum whose cosine grows with k: the signal is there and the step is noise-limited.

import { problemExample } from '../src/model/examples';
import { AdamW } from '../src/model/optimizer';
import { Params } from '../src/model/params';
import { sftStep } from '../src/model/sft';
import { TinyVLM } from '../src/model/tinyvlm';
import { configProblems } from '../src/rl/configValidation';
import { DEFAULT_RL, type RLConfig } from '../src/rl/config';
import { RLTrainer } from '../src/rl/trainer';
import { generateProblem } from '../src/tasks/problem';
import { warmStartFor } from '../src/tasks/families';
import { readCheckpointDir } from './checkpointFile';
import { configJson, flags, int, oneOf } from './cliArgs';
import { nodeBackend } from './nodeBackend';

const args = flags({ batches: int(16, 1), config: configJson(), backend: oneOf(['wasm', 'cpu'] as const, 'wasm') });
const K = args.batches;
const asked: RLConfig = {
  ...DEFAULT_RL,
  algo: 'perception-r1',
  G: 8,
  batchPrompts: 8,
  heldoutEvery: 0,
  recordPrompts: 0,
  ...args.config,
};
const problems = configProblems(asked);
if (problems) {
  console.error(`invalid: ${problems}`);
  process.exit(2);
}
// the warm start the config's run would start from
const warmStartDir = `models/${warmStartFor(asked.families, asked.warmStart)}`;
const ck = readCheckpointDir(warmStartDir).checkpoint;
console.log(`from ${warmStartDir}`);
const be = nodeBackend(args.backend);

async function gradient(m: TinyVLM): Promise<Float64Array> {
  const parts: Float32Array[] = [];
  for (const s of m.params.specs) parts.push(await be.read(m.grads!.get(s.name)!));
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0);
const cos = (a: Float64Array, b: Float64Array) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
const add = (acc: Float64Array | null, g: Float64Array) => (acc ? acc.map((x, i) => x + g[i]) : g);

/** The supervised gradient (full completion) summed over held-out problems [from, from + 256). */
async function heldoutGradient(from: number): Promise<Float64Array> {
  const m = new TinyVLM(be, ck.config, new Params(ck.config, be, ck.tensors));
  const opt = new AdamW(be, m.params);
  let g: Float64Array | null = null;
  for (let s = from; s < from + 256; s += 64) {
    await sftStep(
      m,
      opt,
      Array.from({ length: 64 }, (_, i) =>
        problemExample(generateProblem(DEFAULT_RL.heldoutSeed, s + i), ck.config, { withTarget: true }),
      ),
      0,
    );
    g = add(g, await gradient(m));
  }
  return g!;
}

const sft = await heldoutGradient(0);
console.log(
  `cosine of two independent held-out supervised gradients (the ceiling): ${cos(sft, await heldoutGradient(256)).toFixed(3)}`,
);
const t = new RLTrainer(be, asked, ck);
// lr 0 after the config check (which refuses it, being for runs that train): every batch is drawn at the warm start
t.cfg.lr = 0;
let sum: Float64Array | null = null;
for (let k = 1; k <= K; k++) {
  await t.trainStep();
  const g = await gradient(t.model);
  sum = add(sum, g);
  console.log(
    `batch ${k}: cosine with the held-out supervised gradient: this batch ${cos(g, sft).toFixed(3)}, sum of ${k} ${cos(sum, sft).toFixed(3)}`,
  );
}
