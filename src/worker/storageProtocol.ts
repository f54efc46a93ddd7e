// Messages between the page and the storage worker, which keeps the runs in IndexedDB (runDb.ts) and encodes their
// rollouts (recordCodec.ts) off the page's thread, and reads and checks run files coming in (rl/runFile.ts). Each request carries `req`, and its answer comes back with it.

import type { RunFile } from '../rl/runFile';
import type { SavedRunBody } from '../rl/savedRun';
import type { PromptRecord, StepMetrics } from '../rl/types';
import type { RunHead } from './runDb';

/** One stored step: its metrics (null for records of a step without metrics, in an imported file) and its records. */
export interface StepPart {
  m: StepMetrics | null;
  recs: PromptRecord[];
}

/** A kept run as read back and checked here (rl/savedRun.ts): the run, or why it could not be used. */
export interface StoredRun {
  head: Partial<RunHead>;
  /** The run as stored (the check's own copy orders keys by the schema; the stored one is what was exported). */
  run: (SavedRunBody & { uid: string }) | null;
  damage: string | null;
}

export type ToStorage =
  /** Writes the head and replaces the steps from `from` on with `parts` (the steps `from`, `from + 1`, ...). */
  | { type: 'write'; req: number; head: RunHead; from: number; parts: StepPart[] }
  | { type: 'head'; req: number; head: RunHead }
  | { type: 'delete'; req: number; uid: string }
  | { type: 'read'; req: number }
  /** Moves a run that failed the page's check aside, as stored, with the reason. */
  | { type: 'aside'; req: number; uid: string; reason: string }
  /** Reads and checks a run file's text (a large file is seconds of parsing and checking, not for the page's thread). */
  | { type: 'parse'; req: number; text: string };

export type FromStorage =
  | { type: 'ok'; req: number }
  /** One kept run of a 'read', a message each, so the page takes them in one at a time; 'ok' ends the read. */
  | { type: 'run'; req: number; run: StoredRun }
  /** The run file of a 'parse', checked; a bad one comes back as an 'error' saying what is wrong with it. */
  | { type: 'parsed'; req: number; file: RunFile }
  | { type: 'error'; req: number; message: string; quota: boolean };
