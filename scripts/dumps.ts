// Writes rollout logs in verl's and TRL's forms, for trying the importer by hand:
//   npm run dumps -- --format verl --steps 20 --prompts 64 --n 8 --out /tmp/verl-dump
// (--format trl writes completions_*.parquet; --bad K damages K lines of a verl dump; --tokens-every M adds tokens
// and log-probabilities to every M-th row.)

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flags, int, oneOf, text } from './cliArgs';
import { trlParquet, verlDump, wandbCompletions } from './dumps/fixtures';

const args = flags({
  format: oneOf(['verl', 'trl', 'wandb'] as const, 'verl'),
  steps: int(10, 1),
  prompts: int(32, 1),
  n: int(8, 1),
  seed: int(1, 0),
  bad: int(0, 0),
  'tokens-every': int(0, 0),
  out: text('dumps'),
});
const o = {
  steps: args.steps,
  prompts: args.prompts,
  n: args.n,
  seed: args.seed,
  bad: args.bad,
  tokensEvery: args['tokens-every'],
};
const files = args.format === 'verl' ? verlDump(o) : args.format === 'trl' ? trlParquet(o) : [wandbCompletions(o, 1)];
mkdirSync(args.out, { recursive: true });
for (const f of files) writeFileSync(join(args.out, f.name), f.data);
console.log(`${files.length} files, ${o.steps * o.prompts * o.n} rows -> ${args.out}`);
