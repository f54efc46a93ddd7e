// npm run pretrain [-- --steps N --batch B --lr X --seed S --out DIR --fresh]
// Supervised warm start of TinyVLM in headless Chromium on WebGPU. Progress is
// printed as it goes; a resume checkpoint is written every --checkpoint-every
// steps to DIR/.resume/ and picked up by the next run unless --fresh.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint } from '../src/model/checkpoint';
import { countParams } from '../src/model/params';
import type { PretrainOptions, PretrainResult } from './pretrain/pretrainPage';
import { withPage } from './browser';
import { bool, flags, int, num, text } from './cliArgs';

const args = flags({
  out: text('models/tinyvlm-v1'),
  seed: int(1),
  steps: int(3000, 1),
  batch: int(32, 1),
  lr: num(3e-3, 0),
  warmup: int(50, 0),
  'image-dropout': num(0.15, 0, 1),
  'eval-every': int(100, 1),
  'eval-count': int(128, 1),
  'eval-seed': int(777),
  'checkpoint-every': int(50, 1),
  'no-early-stop': bool(),
  'stop-answer': num(0.6, 0, 1),
  'stop-desc': num(0.45, 0, 1),
  'min-steps': int(200, 0),
  'no-curriculum': bool(),
  'curriculum-start': int(1, 1),
  'curriculum-steps': int(100, 1),
  fresh: bool(),
  'finalize-only': bool(),
});
const out = args.out;
const resumeDir = join(out, '.resume');
const resumeFile = join(resumeDir, 'resume.safetensors');
mkdirSync(resumeDir, { recursive: true });

const opts: PretrainOptions = {
  seed: args.seed,
  steps: args.steps,
  batch: args.batch,
  lr: args.lr,
  warmup: args.warmup,
  imageDropout: args['image-dropout'],
  evalEvery: args['eval-every'],
  evalCount: args['eval-count'],
  evalSeed: args['eval-seed'],
  checkpointEvery: args['checkpoint-every'],
  stopAt: args['no-early-stop'] ? null : { answerAcc: args['stop-answer'], descExact: args['stop-desc'] },
  minSteps: args['min-steps'],
  curriculum: args['no-curriculum']
    ? null
    : { startObjects: args['curriculum-start'], stepsPerObject: args['curriculum-steps'] },
  resume: !args.fresh && existsSync(resumeFile) ? readFileSync(resumeFile).toString('base64') : null,
};
console.log(`pretraining into ${out}: ${JSON.stringify({ ...opts, resume: opts.resume ? resumeFile : null })}`);

// --finalize-only: ship the latest resume checkpoint as it is (a run stopped by hand).
if (args['finalize-only']) {
  if (!existsSync(resumeFile)) throw new Error(`no resume checkpoint at ${resumeFile}`);
  const ck = decodeCheckpoint(new Uint8Array(readFileSync(resumeFile)));
  const weights = new Map([...ck.tensors].filter(([k]) => !k.startsWith('opt.')));
  const step = Number(ck.metadata.step);
  writeFileSync(join(out, 'model.safetensors'), encodeCheckpoint(ck.config, weights, { step: String(step) }));
  writeFileSync(join(out, 'config.json'), JSON.stringify(ck.config, null, 2) + '\n');
  writeFileSync(
    join(out, 'training.json'),
    JSON.stringify(
      {
        options: { ...opts, resume: true },
        step,
        stoppedEarly: false,
        stoppedByHand: true,
        params: countParams(ck.config),
      },
      null,
      1,
    ) + '\n',
  );
  console.log(`wrote ${join(out, 'model.safetensors')} from the resume checkpoint at step ${step}`);
  process.exit(0);
}

const result = await withPage('/scripts/pretrain/pretrainPage.ts', async (page) => {
  await page.exposeFunction('reportProgress', (msg: string) =>
    console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`),
  );
  await page.exposeFunction('saveResume', (b64: string, step: number) => {
    writeFileSync(resumeFile, Buffer.from(b64, 'base64'));
    console.log(`  resume checkpoint at step ${step}`);
  });
  return page.evaluate((o) => window.pretrain.run(o), opts) as Promise<PretrainResult>;
});

writeFileSync(join(out, 'model.safetensors'), Buffer.from(result.weights, 'base64'));
writeFileSync(join(out, 'config.json'), JSON.stringify(result.config, null, 2) + '\n');
writeFileSync(
  join(out, 'training.json'),
  JSON.stringify(
    {
      options: { ...opts, resume: Boolean(opts.resume) },
      step: result.step,
      stoppedEarly: result.stoppedEarly,
      params: result.params,
      lastEval: result.lastEval,
      history: result.history.filter((h) => h.step % 10 === 9),
    },
    null,
    1,
  ) + '\n',
);
console.log(
  `wrote ${join(out, 'model.safetensors')} at step ${result.step}${result.stoppedEarly ? ' (stopped early: validation reached the target)' : ''}`,
);
