// One row of another framework's rollout log, read into an OutsideRow or refused with the reason. The formats are as
// their writers write them (see docs/bridge.md for the sources):
// - verl's `trainer.rollout_data_dir`: `{step}.jsonl`, one object per line: input, output, gts, score, step, then the
//   reward's extra fields; Python's json writes NaN and Infinity as bare words.
// - TRL's GRPOTrainer `log_completions`: `completions/completions_{step:05d}.parquet` with columns step, prompt,
//   completion, one raw float column per reward function, any `log_extra` columns, then advantage.
// - the same table as W&B stores it (`*.table.json`: {"columns": [...], "data": [[...], ...]}).

import type { ExtraValue, OutsideRow } from './outsideRun';

/** JSON as Python writes it: bare NaN becomes null, +-Infinity stay infinite; strings are left alone. */
export function parsePythonJson(text: string): unknown {
  if (!/NaN|Infinity/.test(text)) return JSON.parse(text);
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === 'N' && text.startsWith('NaN', i)) {
      out += text.slice(from, i) + 'null';
      from = i + 3;
      i += 2;
    } else if (c === 'I' && text.startsWith('Infinity', i)) {
      out += text.slice(from, i) + '1e999';
      from = i + 8;
      i += 7;
    }
  }
  return JSON.parse(out + text.slice(from));
}

/** Names a log may give the response's tokens and their log-probabilities under (none of the writers above do by default). */
const TOKEN_KEYS = ['tokens', 'response_tokens', 'completion_tokens'];
const LOGPROB_KEYS = ['logprobs', 'log_probs', 'token_logprobs', 'rollout_log_probs', 'old_log_probs'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field as the viewer keeps it: scalars as they are, anything else as its JSON text. */
function extraValue(v: unknown): ExtraValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  return JSON.stringify(v) ?? null;
}

/** Tokens and log-probs out of a row's fields (removed from `fields`), when both are there and agree in length. */
function tokenFields(fields: Record<string, unknown>): { tokens: string[] | null; logprobs: number[] | null } | string {
  const tk = TOKEN_KEYS.find((k) => k in fields);
  const lk = LOGPROB_KEYS.find((k) => k in fields);
  if (!tk && !lk) return { tokens: null, logprobs: null };
  const tokens = tk ? fields[tk] : undefined;
  const logprobs = lk ? fields[lk] : undefined;
  if (tk) delete fields[tk];
  if (lk) delete fields[lk];
  if (tokens === undefined || logprobs === undefined)
    return `${tk ?? lk} without ${tk ? 'log-probabilities' : 'tokens'} to go with it`;
  if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === 'string')) return `${tk} is not a list of strings`;
  if (!Array.isArray(logprobs) || !logprobs.every((x) => typeof x === 'number' && x <= 0 && !Number.isNaN(x)))
    return `${lk} is not a list of log-probabilities (numbers <= 0)`;
  if (tokens.length !== logprobs.length) return `${tk} has ${tokens.length} entries but ${lk} has ${logprobs.length}`;
  return { tokens: tokens as string[], logprobs: logprobs as number[] };
}

const text = (v: unknown): string | null =>
  typeof v === 'string' ? v : v === null || v === undefined ? null : JSON.stringify(v);

/** The step a verl file's name gives (`12.jsonl` -> 12), or null. */
function stepOfVerlFile(name: string): number | null {
  const m = /(?:^|\/)(\d+)\.jsonl$/.exec(name);
  return m ? Number(m[1]) : null;
}

/** One line of a verl rollout dump. */
export function verlRow(line: string, file: string, lineNo: number): OutsideRow | string {
  let o: unknown;
  try {
    o = parsePythonJson(line);
  } catch (e) {
    return `not JSON: ${(e as Error).message}`;
  }
  if (!isRecord(o)) return 'not a JSON object';
  const { input, output, gts, score, step, ...rest } = o;
  if (typeof input !== 'string') return 'no "input" text';
  if (typeof output !== 'string') return 'no "output" text';
  if (score !== undefined && score !== null && typeof score !== 'number') return '"score" is not a number';
  const fileStep = stepOfVerlFile(file);
  const st = step ?? fileStep;
  if (typeof st !== 'number' || !Number.isInteger(st) || st < 0) return '"step" is not a whole number';
  const tok = tokenFields(rest);
  if (typeof tok === 'string') return tok;
  const advantage = 'advantage' in rest ? rest.advantage : rest.advantages;
  delete rest.advantage;
  delete rest.advantages;
  if (advantage !== undefined && advantage !== null && typeof advantage !== 'number')
    return '"advantage" is not a number';
  const extras: Record<string, ExtraValue> = {};
  for (const [k, v] of Object.entries(rest)) extras[k] = extraValue(v);
  return {
    file,
    line: lineNo,
    step: st,
    prompt: input,
    response: output,
    truth: text(gts),
    score: typeof score === 'number' && Number.isFinite(score) ? score : null,
    advantage: typeof advantage === 'number' && Number.isFinite(advantage) ? advantage : null,
    extras,
    ...tok,
  };
}

/** The columns of TRL's completions table that are not rewards. */
const TRL_FIXED = new Set(['step', 'prompt', 'completion', 'advantage', 'image']);

/** Which of a TRL table's columns are rewards: the numeric ones between `completion` and `advantage` (log_extra columns of text are extras). */
export function trlRewardColumns(columns: readonly string[], sample: Record<string, unknown>[]): string[] {
  return columns.filter(
    (c) =>
      !TRL_FIXED.has(c) &&
      !TOKEN_KEYS.includes(c) &&
      !LOGPROB_KEYS.includes(c) &&
      sample.some((r) => typeof r[c] === 'number' || typeof r[c] === 'bigint') &&
      sample.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number' || typeof r[c] === 'bigint'),
  );
}

/**
 * One row of TRL's completions table. Its score is the sum of the reward columns, as TRL sums them with its default
 * weights of 1 (a reward left out, NaN, adds nothing).
 */
export function trlRow(
  r: Record<string, unknown>,
  rewards: readonly string[],
  file: string,
  line: number,
): OutsideRow | string {
  const { step, prompt, completion, advantage, image: _image, ...rest } = r;
  // before TRL 0.28 the table's step was a string
  const st =
    typeof step === 'bigint' ? Number(step) : typeof step === 'string' && /^\d+$/.test(step) ? Number(step) : step;
  if (typeof st !== 'number' || !Number.isInteger(st) || st < 0) return '"step" is not a whole number';
  if (typeof prompt !== 'string') return 'no "prompt" text';
  if (typeof completion !== 'string') return 'no "completion" text';
  if (advantage !== undefined && advantage !== null && typeof advantage !== 'number')
    return '"advantage" is not a number';
  const tok = tokenFields(rest);
  if (typeof tok === 'string') return tok;
  let score: number | null = null;
  const extras: Record<string, ExtraValue> = {};
  for (const [k, v] of Object.entries(rest)) {
    const x = extraValue(v);
    extras[k] = x;
    if (rewards.includes(k) && typeof x === 'number') score = (score ?? 0) + x;
  }
  return {
    file,
    line,
    step: st,
    prompt,
    response: completion,
    truth: null,
    score,
    advantage: typeof advantage === 'number' && Number.isFinite(advantage) ? advantage : null,
    extras,
    ...tok,
  };
}

/** A W&B table file's columns and rows, or why it is not one. */
export function wandbTable(o: unknown): { columns: string[]; rows: Record<string, unknown>[] } | string {
  if (!isRecord(o) || !Array.isArray(o.columns) || !Array.isArray(o.data))
    return 'not a W&B table: no "columns" and "data"';
  if (!o.columns.every((c) => typeof c === 'string')) return 'not a W&B table: "columns" are not names';
  const columns = o.columns as string[];
  for (const need of ['step', 'prompt', 'completion'])
    if (!columns.includes(need)) return `not a completions table: no "${need}" column`;
  const rows = o.data.map((d) =>
    Array.isArray(d)
      ? Object.fromEntries(columns.map((c, i) => [c, d[i]]))
      : ({ __bad: true } as Record<string, unknown>),
  );
  return { columns, rows };
}
