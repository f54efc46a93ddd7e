// Keeps the run store's runs for a reload, through the storage worker (IndexedDB, off the page's thread), and brings
// them back on a load. The store is watched, not told: each run is compared, by reference, with what was last
// written of it, and only what changed is sent: a new step appends one record with the head, a cut (a resume)
// rewrites from the cut, a status writes the head. So a step costs the page a comparison and the posting of its own
// rollouts, nothing of the other runs. A write that fails (a full quota) leaves what was kept as it was; it is said
// once per run, and tried again with the run's next change.

import type { PromptRecord, StepMetrics } from '../../rl/types';
import type { RunHead } from '../../worker/runDb';
import type { StepPart } from '../../worker/storageProtocol';
import type { SavedRunBody } from '../../rl/savedRun';
import { StorageFailure, type StorageClient } from '../storageClient';

/** The fields of a run that are kept: its head as stored (less the count and order of its steps), and its steps. */
export interface KeptRun extends Omit<RunHead, 'steps' | 'order'> {
  metrics: StepMetrics[];
  records: PromptRecord[];
}

/**
 * The run cut into stored steps: part i holds metrics[i] and the records that follow it in order up to the next
 * step's, so that the parts joined in order give back both arrays exactly, whatever order a file had them in.
 */
export function partsOf(run: Pick<KeptRun, 'metrics' | 'records'>): StepPart[] {
  const parts: StepPart[] = run.metrics.map((m) => ({ m, recs: [] }));
  if (!parts.length && run.records.length) parts.push({ m: null, recs: [] });
  const at = new Map<number, number>();
  run.metrics.forEach((m, i) => at.set(m.step, at.get(m.step) ?? i));
  let i = 0;
  for (const r of run.records) {
    const j = at.get(r.step);
    if (j !== undefined && j > i) i = j;
    parts[i].recs.push(r);
  }
  return parts;
}

const headOf = (r: KeptRun, steps: number): RunHead => ({
  uid: r.uid,
  id: r.id,
  label: r.label,
  backend: r.backend,
  config: r.config,
  status: r.status,
  step: r.step,
  error: r.error,
  steps,
  order: r.id,
});
const headKey = (h: RunHead) => JSON.stringify({ ...h, config: null });

interface Saved {
  run: KeptRun;
  parts: StepPart[];
  key: string;
  config: unknown;
}

const samePart = (a: StepPart, b: StepPart) =>
  a.m === b.m && a.recs.length === b.recs.length && a.recs.every((r, i) => r === b.recs[i]);

/** Where the writes go: the storage worker in the page, a stand-in in tests. */
export type StorageSink = Pick<StorageClient, 'request'>;

export interface PersistHandlers {
  /** A write of `run` failed (`quota`: the storage is full); what was kept before stays. */
  failed(run: KeptRun, error: StorageFailure): void;
  /** A write of `run` succeeded after one failed. */
  saved(run: KeptRun): void;
}

export class RunPersister {
  private saved = new Map<string, Saved>();
  /** What each run should become: the newest state seen, or null for a deleted run. */
  private want = new Map<string, KeptRun | null>();
  private failing = new Set<string>();
  private busy: Promise<void> | null = null;

  constructor(
    private readonly sink: StorageSink,
    private readonly h: PersistHandlers,
  ) {}

  /** What was read back on a load is what is kept: not written again. */
  adopt(run: KeptRun): void {
    const parts = partsOf(run);
    this.saved.set(run.uid, { run, parts, key: headKey(headOf(run, parts.length)), config: run.config });
  }

  /** Called on every change of the store: notes the runs that changed; writing happens after. */
  sync(runs: readonly KeptRun[]): void {
    const here = new Set<string>();
    for (const r of runs) {
      here.add(r.uid);
      if (this.saved.get(r.uid)?.run !== r && this.want.get(r.uid) !== r) this.want.set(r.uid, r);
    }
    for (const uid of this.saved.keys()) if (!here.has(uid)) this.want.set(uid, null);
    if (this.want.size && !this.busy) this.busy = this.drain();
  }

  /** Resolves when everything seen so far is written (or has failed). */
  async flushed(): Promise<void> {
    while (this.busy) await this.busy;
  }

  private async drain(): Promise<void> {
    try {
      while (this.want.size) {
        const [uid, run] = this.want.entries().next().value as [string, KeptRun | null];
        this.want.delete(uid);
        await this.write(uid, run);
      }
    } finally {
      this.busy = null;
    }
  }

  private async write(uid: string, run: KeptRun | null): Promise<void> {
    if (run === null) {
      // what a failed delete leaves in storage comes back on a load, where the user can delete it again
      await this.sink.request({ type: 'delete', uid }).catch(() => undefined);
      this.saved.delete(uid);
      this.failing.delete(uid);
      return;
    }
    const prev = this.saved.get(uid);
    const parts = partsOf(run);
    let from = 0;
    if (prev) while (from < parts.length && from < prev.parts.length && samePart(parts[from], prev.parts[from])) from++;
    const head = headOf(run, parts.length);
    const key = headKey(head);
    try {
      if (prev && from === parts.length && from === prev.parts.length) {
        if (key !== prev.key || prev.config !== run.config) await this.sink.request({ type: 'head', head });
      } else await this.sink.request({ type: 'write', head, from, parts: parts.slice(from) });
      this.saved.set(uid, { run, parts, key, config: run.config });
      if (this.failing.delete(uid)) this.h.saved(run);
    } catch (e) {
      this.failing.add(uid);
      this.h.failed(run, e instanceof StorageFailure ? e : new StorageFailure((e as Error).message, false));
    }
  }
}

/** What a load found: the runs, checked, and what it says of those it could not bring back. */
export interface Restored {
  runs: (SavedRunBody & { uid: string })[];
  notices: string[];
}

/** Every kept run, read and checked by the storage worker; a run that fails is set aside, as it was, and named. */
export async function restoreRuns(client: StorageClient): Promise<Restored> {
  const runs: Restored['runs'] = [];
  const notices: string[] = [];
  for (const s of await client.readAll()) {
    if (s.run) {
      runs.push(s.run);
      continue;
    }
    const name = typeof s.head.label === 'string' ? `"${s.head.label}"` : 'a run';
    const why = s.damage ?? 'it could not be read';
    const moved = await client.request({ type: 'aside', uid: String(s.head.uid), reason: why }).then(
      () => true,
      () => false,
    );
    notices.push(
      `saved run ${name} was not restored: ${why}${moved ? '; it is kept aside, as saved, in IndexedDB' : ''}`,
    );
  }
  return { runs, notices };
}
