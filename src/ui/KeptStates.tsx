// The trainer states this page keeps in IndexedDB: how often, within what budget,
// what is stored now, and a way to delete each.

import { useEffect, useState } from 'react';
import { mb } from './stores/snapshotDb';
import { useShallow } from 'zustand/react/shallow';
import { useRunStore } from './stores/runStore';
import type { KeepSettings } from './stores/runStoreTypes';
import { Table } from './Table';

/** How states are kept, each a whole number in its range, applied as it is typed, between its label's words. */
const KEEP_SETTINGS = [
  { field: 'every', testId: 'keep-every', before: 'keep every', after: 'steps (new runs)', min: 1, max: 1000 },
  { field: 'budgetMB', testId: 'keep-budget', before: 'budget', after: 'MB', min: 4, max: 4096 },
] as const satisfies readonly { field: keyof KeepSettings; [k: string]: string | number }[];

export function KeptStates() {
  const { keep, kept, setKeep, deleteKept, refresh } = useRunStore(
    useShallow((s) => ({
      keep: s.keep,
      kept: s.kept,
      setKeep: s.setKeep,
      deleteKept: s.deleteKept,
      refresh: s.refreshKept,
    })),
  );
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open) void refresh();
  }, [open, refresh]);
  const total = kept.reduce((a, e) => a + e.size, 0);
  return (
    <details
      className="kept"
      data-testid="kept-states"
      onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}
    >
      <summary>
        Kept trainer states: {kept.length} ({mb(total)} of {keep.budgetMB} MB)
      </summary>
      <p className="hint">
        A run's weights, optimiser moments and step are kept in this browser (IndexedDB) every few steps and on pause
        and stop, so that it can resume after a reload, exactly as if it had not stopped. The oldest go first when the
        budget is full.
      </p>
      <div className="kept-settings">
        {KEEP_SETTINGS.map((k) => (
          <label key={k.field}>
            {k.before}{' '}
            <input
              type="number"
              min={k.min}
              max={k.max}
              step={1}
              data-testid={k.testId}
              defaultValue={keep[k.field]}
              onChange={(e) => setKeep({ [k.field]: Number(e.target.value) })}
            />{' '}
            {k.after}
          </label>
        ))}
      </div>
      {kept.length > 0 && (
        <Table className="runs" testId="kept-table" head={['run', 'step', 'size', 'kept', '']}>
          {kept.map((e) => (
            <tr key={e.uid} data-testid="kept-row">
              <td>{e.label}</td>
              <td>{e.step}</td>
              <td>{mb(e.size)}</td>
              <td>{new Date(e.savedAt).toLocaleString()}</td>
              <td>
                <button
                  data-testid="kept-delete"
                  aria-label={`delete the kept state of ${e.label}`}
                  onClick={() => void deleteKept(e.uid)}
                >
                  delete
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </details>
  );
}
