// State of the outside-run view: a run read from another framework's rollout logs (verl, TRL) by the
// import worker. The worker keeps the rows; the page holds the summary and the page of groups on show.

import { create } from 'zustand';
import type { ImportProgress } from '../../bridge/importer';
import type { OutsideGroup, OutsideRunSummary } from '../../bridge/outsideRun';
import type { FromImport } from '../../worker/importProtocol';
import { ImportClient } from '../importClient';

/** Groups on one page of the viewer. */
export const GROUPS_PER_PAGE = 5;

interface OutsideState {
  status: 'idle' | 'reading' | 'done' | 'error' | 'cancelled';
  /** What is being read, as the bar names it. */
  reading: string;
  progress: ImportProgress | null;
  summary: OutsideRunSummary | null;
  error: string | null;
  step: number | null;
  offset: number;
  page: { groups: OutsideGroup[]; total: number } | null;
  importFiles(files: File[]): void;
  cancel(): void;
  show(step: number, offset?: number): void;
}

let client: ImportClient | null = null;
let req = 0;

export const useOutsideStore = create<OutsideState>((set, get) => {
  const onMessage = (m: FromImport) => {
    if (m.type === 'progress') set({ progress: { loaded: m.loaded, total: m.total, rows: m.rows } });
    else if (m.type === 'done') {
      set({ status: 'done', summary: m.summary, progress: null, page: null, offset: 0 });
      const first = m.summary.steps[0];
      if (first) get().show(first.step, 0);
      else set({ step: null });
    } else if (m.type === 'groups') {
      if (m.req === req) set({ page: { groups: m.groups, total: m.total } });
    } else {
      // the read failed: its worker is done with
      client?.terminate();
      client = null;
      set({ status: 'error', error: m.message, progress: null });
    }
  };
  return {
    status: 'idle',
    reading: '',
    progress: null,
    summary: null,
    error: null,
    step: null,
    offset: 0,
    page: null,
    importFiles(files) {
      client?.terminate();
      // a message already queued from the worker this one replaces is dropped
      const c: ImportClient = new ImportClient((m) => {
        if (c === client) onMessage(m);
      });
      client = c;
      const total = files.reduce((a, f) => a + f.size, 0);
      set({
        status: 'reading',
        reading: files.length === 1 ? files[0].name : `${files.length} files`,
        progress: { loaded: 0, total, rows: 0 },
        summary: null,
        error: null,
        step: null,
        page: null,
        offset: 0,
      });
      client.send({ type: 'import', files });
    },
    cancel() {
      if (get().status !== 'reading') return;
      client?.terminate();
      client = null;
      set({ status: 'cancelled', progress: null });
    },
    show(step, offset = 0) {
      if (!client || get().status !== 'done') return;
      // the page on show is the old step's until the answer comes: none is shown meanwhile
      set({ step, offset, page: null });
      client.send({ type: 'groups', step, offset, limit: GROUPS_PER_PAGE, req: ++req });
    },
  };
});
