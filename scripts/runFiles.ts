// Run files in the shape of real runs, for the storage tests and the UI bench: each is a committed experiment run
// (data/experiment-wasm, 60 steps on the wasm backend) with its metrics as they were, and its last step's recorded
// rollouts (2 prompts, every token's advantage, log-prob, entropy and dependency) standing in for every step's, so a
// file carries what a default run records: 60 steps x 2 prompts x G or N trajectories.
//
//   npx tsx scripts/runFiles.ts --count 10 --out DIR

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flags, int, text } from './cliArgs';

const SOURCE = join(import.meta.dirname, '..', 'data', 'experiment-wasm');
/** The run file's schema version: v7 files are read by every later playground (their defaults are frozen). */
const RUN_FILE_VERSION = 7;

interface ExperimentRun {
  config: Record<string, unknown>;
  steps: Record<string, unknown>[];
  last_records: { step: number }[];
}

export interface MadeRunFile {
  name: string;
  label: string;
  text: string;
  steps: number;
}

/** `count` run files of `steps` steps (at most the source's 60), cycling over the committed runs. */
export function makeRunFiles(count: number, steps = 60): MadeRunFile[] {
  const names = readdirSync(SOURCE)
    .filter((n) => /-seed\d\.json$/.test(n))
    .sort();
  const out: MadeRunFile[] = [];
  for (let i = 0; i < count; i++) {
    const name = names[i % names.length];
    const src = JSON.parse(readFileSync(join(SOURCE, name), 'utf8')) as ExperimentRun;
    const n = Math.min(steps, src.steps.length);
    const metrics = src.steps.slice(0, n);
    const records = metrics.flatMap((_, s) => src.last_records.map((r) => ({ ...r, step: s })));
    const label = `${name.replace(/\.json$/, '')} #${i + 1}`;
    const file = {
      kind: 'mirl-playground-run',
      version: RUN_FILE_VERSION,
      label,
      config: src.config,
      metrics,
      records,
    };
    out.push({ name: `run-${i + 1}.json`, label, text: JSON.stringify(file), steps: n });
  }
  return out;
}

if (process.argv[1]?.endsWith('runFiles.ts')) {
  const args = flags({ count: int(10, 1, 1000), steps: int(60, 1, 60), out: text('run-files') });
  const dir = args.out;
  mkdirSync(dir, { recursive: true });
  for (const f of makeRunFiles(args.count, args.steps)) {
    writeFileSync(join(dir, f.name), f.text);
    console.log(`${join(dir, f.name)}: ${f.steps} steps, ${(f.text.length / 1e6).toFixed(2)} MB`);
  }
}
