// Messages between the page and the import worker, which reads another framework's rollout logs
// (src/bridge) off the page's thread and keeps them, answering for one page of groups at a time.

import type { ImportProgress } from '../bridge/importer';
import type { OutsideGroup, OutsideRunSummary } from '../bridge/outsideRun';

export type ToImport =
  | { type: 'import'; files: File[] }
  /** The groups of a step from `offset`, at most `limit`; `req` comes back with the answer. */
  | { type: 'groups'; step: number; offset: number; limit: number; req: number };

export type FromImport =
  | ({ type: 'progress' } & ImportProgress)
  | { type: 'done'; summary: OutsideRunSummary }
  | { type: 'groups'; req: number; groups: OutsideGroup[]; total: number }
  | { type: 'error'; message: string };
