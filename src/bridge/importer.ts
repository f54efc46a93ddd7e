// Reads rollout logs of verl or TRL into an OutsideRunBuilder as they stream in: line by line for verl's JSONL,
// row group by row group for TRL's parquet. A bad row is set aside with its file and line, and the rest is kept; a
// file that is not a log of either is refused whole, with the reason.

import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { trlRewardColumns, trlRow, verlRow, wandbTable, parsePythonJson } from './decode';
import { LineSplitter } from './lines';
import { OutsideRunBuilder, type OutsideFormat, type OutsideRow } from './outsideRun';

/** A file to read: its text in chunks (JSONL, JSON), or its bytes whole (parquet, which is read by its footer). */
export interface SourceFile {
  name: string;
  size: number;
  chunks(): AsyncIterable<string>;
  bytes(): Promise<ArrayBuffer>;
  /** Its first bytes, to tell the format by. */
  head(): Promise<Uint8Array>;
}

type FileKind = 'verl-jsonl' | 'trl-parquet' | 'wandb-table';

/** Bytes a format is told by. */
const HEAD_BYTES = 4096;

/** A browser File (or any Blob) as a source: read in chunks through the stream, never whole unless asked. */
export function blobSource(name: string, blob: Blob): SourceFile {
  return {
    name,
    size: blob.size,
    head: async () => new Uint8Array(await blob.slice(0, HEAD_BYTES).arrayBuffer()),
    bytes: () => blob.arrayBuffer(),
    async *chunks() {
      const reader = blob.stream().pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      } finally {
        reader.releaseLock();
      }
    },
  };
}

const RUN_FILE_HINT = 'a run file of this playground: import it with "Import run…"';

/**
 * Whether a file is a log this importer reads (by its name and first bytes), rather than one of this playground's
 * run files or something else, which the run-file importer answers for. A .json file counts only if it looks like a
 * table (it names "columns").
 */
export function isOutsideLog(name: string, head: Uint8Array): boolean {
  const k = kindOf(name, head);
  return (
    k === 'verl-jsonl' ||
    k === 'trl-parquet' ||
    (k === 'wandb-table' && new TextDecoder().decode(head).includes('"columns"'))
  );
}

/** What a file is, by its first bytes and its name. */
function kindOf(name: string, head: Uint8Array): FileKind | string {
  if (head.length >= 4 && String.fromCharCode(...head.subarray(0, 4)) === 'PAR1') return 'trl-parquet';
  const start = new TextDecoder()
    .decode(head)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (/\.jsonl$/i.test(name) || (start.startsWith('{') && /^\{\s*"(input|output)"/.test(start))) return 'verl-jsonl';
  if (start.startsWith('{"kind"') || start.includes('"mirl-playground-run"')) return RUN_FILE_HINT;
  if (/\.json$/i.test(name) && start.startsWith('{')) return 'wandb-table';
  return 'neither a verl rollout dump (.jsonl), a TRL completions file (.parquet) nor a W&B completions table (.json)';
}

const FORMAT: Record<FileKind, OutsideFormat> = { 'verl-jsonl': 'verl', 'trl-parquet': 'trl', 'wandb-table': 'trl' };

/** The order a run's files are read in: by the step their names carry, then by name. */
function stepOfName(name: string): number {
  const m = /(\d+)\.(jsonl|parquet|json)$/i.exec(name);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

export interface ImportProgress {
  /** Bytes read over all files, of `total`. */
  loaded: number;
  total: number;
  rows: number;
}

/** Rows read from a parquet file at a time (each batch is one progress report). */
const PARQUET_BATCH = 5000;

/**
 * Reads `files` (one run: a verl dump folder's `*.jsonl`, or TRL's `completions_*.parquet`) into a builder. Throws an
 * Error naming the file when one is not a log of a kind it reads or when the files mix kinds.
 */
export async function importOutside(
  files: readonly SourceFile[],
  id: number,
  onProgress: (p: ImportProgress) => void = () => {},
  signal?: AbortSignal,
): Promise<OutsideRunBuilder> {
  if (files.length === 0) throw new Error('no files to import');
  const kinds: FileKind[] = [];
  for (const f of files) {
    const k = kindOf(f.name, await f.head());
    if (!(k in FORMAT)) throw new Error(`${f.name}: ${k}`);
    kinds.push(k as FileKind);
  }
  if (new Set(kinds.map((k) => FORMAT[k])).size > 1)
    throw new Error('these files mix verl and TRL logs: import one run at a time');
  const order = files
    .map((f, i) => ({ f, k: kinds[i] }))
    .sort((a, b) => stepOfName(a.f.name) - stepOfName(b.f.name) || a.f.name.localeCompare(b.f.name));
  const name =
    files.length === 1
      ? files[0].name
      : `${order[0].f.name} … ${order[order.length - 1].f.name} (${files.length} files)`;
  const run = new OutsideRunBuilder(id, name, FORMAT[kinds[0]]);
  const total = files.reduce((a, f) => a + f.size, 0);
  let done = 0;
  const keep = (r: OutsideRow | string, file: string, line: number) => {
    if (typeof r === 'string') run.addBad(file, line, r);
    else run.add(r);
  };
  for (const { f, k } of order) {
    signal?.throwIfAborted();
    run.addFile(f.name);
    if (k === 'verl-jsonl') {
      const lines = new LineSplitter();
      let read = 0;
      const take = (ls: { line: number; text: string }[]) => {
        for (const l of ls) if (l.text.trim() !== '') keep(verlRow(l.text, f.name, l.line), f.name, l.line);
      };
      for await (const chunk of f.chunks()) {
        signal?.throwIfAborted();
        take(lines.push(chunk));
        // characters, not bytes: near enough for a bar, and exact at the end
        read = Math.min(f.size, read + chunk.length);
        onProgress({ loaded: done + read, total, rows: run.rows });
      }
      take(lines.end());
    } else if (k === 'trl-parquet')
      await readParquet(
        f,
        run,
        (rows) => onProgress({ loaded: done + Math.round((f.size * rows.at) / rows.of), total, rows: run.rows }),
        signal,
      );
    else {
      let text = '';
      for await (const chunk of f.chunks()) text += chunk;
      let o: unknown;
      try {
        o = parsePythonJson(text);
      } catch (e) {
        throw new Error(`${f.name}: not JSON: ${(e as Error).message}`, { cause: e });
      }
      const t = wandbTable(o);
      if (typeof t === 'string') throw new Error(`${f.name}: ${t}`);
      const rewards = trlRewardColumns(t.columns, t.rows.slice(0, 200));
      t.rows.forEach((r, i) =>
        keep('__bad' in r ? 'the row is not a list of cells' : trlRow(r, rewards, f.name, i + 1), f.name, i + 1),
      );
    }
    done += f.size;
    onProgress({ loaded: done, total, rows: run.rows });
  }
  return run;
}

async function readParquet(
  f: SourceFile,
  run: OutsideRunBuilder,
  onRows: (p: { at: number; of: number }) => void,
  signal?: AbortSignal,
): Promise<void> {
  const buf = await f.bytes();
  let meta: ReturnType<typeof parquetMetadata>;
  try {
    meta = parquetMetadata(buf);
  } catch (e) {
    throw new Error(`${f.name}: not a readable parquet file: ${(e as Error).message}`, { cause: e });
  }
  const columns = meta.schema.slice(1).map((s) => s.name);
  for (const need of ['step', 'prompt', 'completion'])
    if (!columns.includes(need)) throw new Error(`${f.name}: not a TRL completions file: no "${need}" column`);
  const n = Number(meta.num_rows);
  let rewards: string[] | null = null;
  for (let at = 0; at < n; at += PARQUET_BATCH) {
    signal?.throwIfAborted();
    let rows: Record<string, unknown>[];
    try {
      rows = (await parquetReadObjects({
        file: buf,
        metadata: meta,
        rowStart: at,
        rowEnd: Math.min(n, at + PARQUET_BATCH),
      })) as Record<string, unknown>[];
    } catch (e) {
      throw new Error(
        `${f.name}: rows ${at + 1}-${Math.min(n, at + PARQUET_BATCH)} unreadable: ${(e as Error).message}`,
        { cause: e },
      );
    }
    rewards ??= trlRewardColumns(columns, rows.slice(0, 200));
    rows.forEach((r, i) => {
      const row = trlRow(r, rewards as string[], f.name, at + i + 1);
      if (typeof row === 'string') run.addBad(f.name, at + i + 1, row);
      else run.add(row);
    });
    onRows({ at: Math.min(n, at + PARQUET_BATCH), of: Math.max(1, n) });
  }
}
