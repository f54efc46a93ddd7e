// npm run finetune -- [--from DIR] [--out DIR] [--steps N] [--batch B] [--lr X] [--seed S] [--families a,b,...]
// Supervised fine-tuning of a shipped checkpoint in Node on the WebAssembly SIMD backend: teaches a warm start
// the output format of task families it never saw (the grounding families' boxes) while the default mix stays
// in every batch, so what it knew is kept. The families rotate through each batch; the image is dropped
// with probability --image-dropout, as in pretraining, so the image-free prior MI needs stays trained.
// Writes DIR/model.safetensors, config.json and training.json; `npm run eval -- --checkpoint DIR --card`
// then writes its card.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CounterRng, Streams } from '../src/lib/rng';
import { encodeCheckpoint } from '../src/model/checkpoint';
import { evaluate } from '../src/model/evaluate';
import { problemExample } from '../src/model/examples';
import { AdamW, DEFAULT_ADAMW } from '../src/model/optimizer';
import { Params } from '../src/model/params';
import { sftLearningRate, sftStep } from '../src/model/sft';
import { TinyVLM } from '../src/model/tinyvlm';
import { DEFAULT_FAMILIES, FAMILIES } from '../src/tasks/families';
import { generateProblem } from '../src/tasks/problem';
import { readCheckpointDir } from './checkpointFile';
import { familyList, flags, int, num, text } from './cliArgs';
import { nodeBackend } from './nodeBackend';

const args = flags({
  from: text('models/tinyvlm-v1'),
  out: text('models/tinyvlm-v1g'),
  families: familyList(FAMILIES.filter((f) => f !== 'vicrit')),
  seed: int(3, 0),
  steps: int(800, 1),
  batch: int(24, 1),
  lr: num(1e-3, 0),
  warmup: int(30, 0),
  'image-dropout': num(0.15, 0, 1),
  'eval-every': int(200, 1),
  'eval-count': int(96, 1),
  'eval-seed': int(777),
});
const families = args.families;

const { checkpoint: ck } = readCheckpointDir(args.from);
const c = ck.config;
const be = nodeBackend('wasm');
const params = new Params(c, be, ck.tensors);
const model = new TinyVLM(be, c, params);
// the pretraining optimiser's settings (DEFAULT_ADAMW, as scripts/pretrain/pretrainPage.ts), with fresh moments
const opt = new AdamW(be, params, { ...DEFAULT_ADAMW, lr: args.lr });
// pretraining's schedule (warm-up, then cosine to 10%)
const lrAt = (step: number) => sftLearningRate(args.lr, args.warmup, args.steps, step);
// the families outside the default mix are validated one by one beside it
const newFamilies = [...new Set(families)].filter((f) => !(DEFAULT_FAMILIES as readonly string[]).includes(f));

async function check(step: number) {
  const parts = [];
  for (const fs of [undefined, ...newFamilies.map((f) => [f])]) {
    const r = await evaluate(model, args['eval-seed'], args['eval-count'], { families: fs, mi: false });
    parts.push(
      `${fs ? fs[0] : 'default mix'}: answer ${r.overall.answer_acc.toFixed(3)} desc-exact ${r.overall.desc_exact.toFixed(3)} f1 ${r.overall.desc_f1.toFixed(3)} format ${r.overall.format_ok.toFixed(3)}`,
    );
  }
  console.log(`eval@${step}: ${parts.join(' | ')}`);
  return parts;
}

console.log(`fine-tuning ${args.from} -> ${args.out} on ${families.join(', ')}: ${JSON.stringify(args)}`);
const history: { step: number; loss: number }[] = [];
let t0 = Date.now();
const evals: { step: number; lines: string[] }[] = [{ step: 0, lines: await check(0) }];
for (let step = 0; step < args.steps; step++) {
  const examples = Array.from({ length: args.batch }, (_, i) => {
    const p = generateProblem(args.seed, step * args.batch + i, { families });
    const drop = new CounterRng(args.seed, Streams.dropout, step, i).next() < args['image-dropout'];
    return problemExample(p, c, { withTarget: true, nullImage: drop });
  });
  const r = await sftStep(model, opt, examples, lrAt(step));
  if (!r.applied) console.log(`step ${step}: non-finite loss ${r.loss}; update skipped`);
  history.push({ step, loss: r.loss });
  if ((step + 1) % 25 === 0) {
    console.log(
      `step ${step + 1}/${args.steps} loss ${r.loss.toFixed(4)} lr ${lrAt(step).toExponential(2)} ${((Date.now() - t0) / 25000).toFixed(2)} s/step`,
    );
    t0 = Date.now();
  }
  if ((step + 1) % args['eval-every'] === 0) evals.push({ step: step + 1, lines: await check(step + 1) });
}

mkdirSync(args.out, { recursive: true });
const config = { ...c, name: args.out.split('/').pop() ?? c.name };
writeFileSync(
  join(args.out, 'model.safetensors'),
  encodeCheckpoint(config, await params.toHost(), { step: String(args.steps), from: args.from }),
);
writeFileSync(join(args.out, 'config.json'), JSON.stringify(config, null, 2) + '\n');
writeFileSync(
  join(args.out, 'training.json'),
  JSON.stringify(
    {
      finetunedFrom: args.from,
      options: { ...args, families },
      step: args.steps,
      evals,
      history: history.filter((h) => h.step % 10 === 9),
    },
    null,
    1,
  ) + '\n',
);
console.log(`wrote ${join(args.out, 'model.safetensors')}`);
