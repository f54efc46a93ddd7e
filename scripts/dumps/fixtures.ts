// Rollout logs in the forms verl and TRL write them, for the importer's tests and for trying the viewer: the
// playground's own problems, answered by a pretend policy that sees right most of the time. The layouts follow the
// writers' code (docs/bridge.md names the versions): verl's `_dump_generations` (json.dumps per line, ", " and ": "
// separators, bare NaN), TRL's GRPOTrainer.log (pandas to_parquet: step int64, prompt, completion, one double
// column per reward function, advantage), and W&B's table JSON.

import { parquetWriteBuffer } from 'hyparquet-writer';
import { CounterRng, Streams } from '../../src/lib/rng';
import { generateProblem, type Problem } from '../../src/tasks/problem';

export interface DumpOptions {
  steps: number;
  prompts: number;
  /** Responses per prompt (verl's rollout.n, TRL's num_generations). */
  n: number;
  seed: number;
  /** Lines (verl) replaced by damaged ones, spread over the files. */
  bad?: number;
  /** Every so many rows, the response's tokens and their log-probabilities ride along (a patched dump's fields). */
  tokensEvery?: number;
}

export interface DumpFile {
  name: string;
  data: string | Uint8Array;
}

const cache = new Map<number, Problem>();
const problem = (seed: number, i: number): Problem => {
  const key = seed * 1000 + (i % 512);
  let p = cache.get(key);
  if (!p) cache.set(key, (p = generateProblem(seed, i % 512)));
  return p;
};

interface Sample {
  prompt: string;
  truth: string;
  response: string;
  pred: string;
  acc: boolean;
  format: boolean;
  tokens: string[];
  logprobs: number[];
}

/** One response of the pretend policy: a description (sometimes with a word changed), reasoning and an answer. */
function sample(seed: number, step: number, prompt: number, k: number): Sample {
  const p = problem(seed, (step - 1) * 1000 + prompt);
  const rng = new CounterRng(seed, Streams.test, step, prompt * 64 + k);
  const sees = rng.next() < 0.6 + 0.3 * Math.min(1, step / 20);
  const words = p.description.split(' ');
  if (!sees) words[rng.int(words.length)] = rng.pick(['red', 'blue', 'square', 'large', 'left']);
  const right = sees ? rng.next() < 0.9 : rng.next() < 0.3;
  const pred = right
    ? p.answer
    : rng.pick(['red', 'blue', '2', '3', 'yes', 'no', 'circle'].filter((a) => a !== p.answer));
  const format = rng.next() < 0.95;
  const response = format
    ? `<description>${words.join(' ')}</description>\n<think>${p.reasoning}</think>\n<answer>${pred}</answer>`
    : `${words.join(' ')} so the answer is ${pred}`;
  // whitespace-split pieces that join back into the response, each with a log-prob
  const tokens = response.split(/(?<=\s)/);
  const logprobs = tokens.map(() => -Math.abs(rng.normal()) * (sees ? 0.4 : 1.5));
  return {
    prompt: `system\nDescribe the image, think, then answer.\nuser\n<image>${p.question}\nassistant\n`,
    truth: p.answer,
    response,
    pred,
    acc: right,
    format,
    tokens,
    logprobs,
  };
}

/** Python's json.dumps with its default separators (", ", ": "), ensure_ascii off, NaN bare. */
function pyDumps(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : Number.isInteger(v) ? `${v}.0` : String(v);
  if (Array.isArray(v)) return `[${v.map(pyDumps).join(', ')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${pyDumps(x)}`)
      .join(', ')}}`;
  return JSON.stringify(v);
}

/** verl's `trainer.rollout_data_dir`: `{step}.jsonl` for steps 1.., one line per response (rows of a prompt adjacent). */
export function verlDump(o: DumpOptions): DumpFile[] {
  const files: DumpFile[] = [];
  const rows = o.steps * o.prompts * o.n;
  const badEvery = o.bad ? Math.max(1, Math.floor(rows / o.bad)) : 0;
  let row = 0;
  for (let step = 1; step <= o.steps; step++) {
    const lines: string[] = [];
    for (let q = 0; q < o.prompts; q++)
      for (let k = 0; k < o.n; k++, row++) {
        const s = sample(o.seed, step, q, k);
        // math_dapo-style reward: score 1 or -1 with acc and pred as its extra fields (score keeps its place)
        const entry: Record<string, unknown> = {
          input: s.prompt,
          output: s.response,
          gts: s.truth,
          score: s.acc ? 1 : s.format ? -1 : Number.NaN,
          step,
          acc: s.acc,
          pred: s.pred,
        };
        if (o.tokensEvery && row % o.tokensEvery === 0) {
          entry.tokens = s.tokens;
          entry.rollout_log_probs = s.logprobs;
        }
        let line = pyDumps(entry).replace(/"step": (\d+)\.0/, '"step": $1');
        if (badEvery && row % badEvery === badEvery - 1 && (o.bad ?? 0) > 0)
          line =
            row % 2 ? line.slice(0, Math.floor(line.length / 2)) : line.replace('"output": ', '"output": 7, "x": ');
        lines.push(line);
      }
    files.push({ name: `${step}.jsonl`, data: lines.join('\n') + '\n' });
  }
  return files;
}

/** TRL's advantage: (r - mean) / (std + 1e-4) over the prompt's generations, std with Bessel's correction (torch's). */
function trlAdvantages(r: number[]): number[] {
  const m = r.reduce((a, b) => a + b, 0) / r.length;
  const sd = r.length > 1 ? Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / (r.length - 1)) : 0;
  return r.map((x) => (x - m) / (sd + 1e-4));
}

interface TrlTable {
  step: number;
  prompt: string[];
  completion: string[];
  accuracy_reward: number[];
  format_reward: number[];
  advantage: number[];
}

function trlTable(o: DumpOptions, step: number): TrlTable {
  const t: TrlTable = { step, prompt: [], completion: [], accuracy_reward: [], format_reward: [], advantage: [] };
  for (let q = 0; q < o.prompts; q++) {
    const group = Array.from({ length: o.n }, (_, k) => sample(o.seed, step, q, k));
    const acc = group.map((s) => (s.acc ? 1 : 0));
    const fmt = group.map((s) => (s.format ? 1 : 0));
    t.prompt.push(...group.map((s) => s.prompt));
    t.completion.push(...group.map((s) => s.response));
    t.accuracy_reward.push(...acc);
    t.format_reward.push(...fmt);
    t.advantage.push(...trlAdvantages(acc.map((a, i) => a + fmt[i])));
  }
  return t;
}

/** TRL's `{output_dir}/completions/completions_{step:05d}.parquet`, one per logging step. */
export function trlParquet(o: DumpOptions): DumpFile[] {
  return Array.from({ length: o.steps }, (_, i) => {
    const t = trlTable(o, i + 1);
    const n = t.prompt.length;
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'step', data: new BigInt64Array(n).fill(BigInt(t.step)), type: 'INT64' },
        { name: 'prompt', data: t.prompt, type: 'STRING' },
        { name: 'completion', data: t.completion, type: 'STRING' },
        { name: 'accuracy_reward', data: Float64Array.from(t.accuracy_reward), type: 'DOUBLE' },
        { name: 'format_reward', data: Float64Array.from(t.format_reward), type: 'DOUBLE' },
        { name: 'advantage', data: Float64Array.from(t.advantage), type: 'DOUBLE' },
      ],
    });
    return { name: `completions_${String(t.step).padStart(5, '0')}.parquet`, data: new Uint8Array(buf) };
  });
}

/** The same table as W&B keeps it in a run's files (`completions_*.table.json`), one step. */
export function wandbCompletions(o: DumpOptions, step: number): DumpFile {
  const t = trlTable(o, step);
  const columns = ['step', 'prompt', 'completion', 'accuracy_reward', 'format_reward', 'advantage'];
  const data = t.prompt.map((_, i) => [
    step,
    t.prompt[i],
    t.completion[i],
    t.accuracy_reward[i],
    t.format_reward[i],
    t.advantage[i],
  ]);
  return { name: `completions_${step}_0123456789abcdef0123.table.json`, data: JSON.stringify({ columns, data }) };
}
