// The trainer states this page keeps in IndexedDB: how often, within what budget,
// what is stored now, and a way to delete each.

import { useEffect, useState } from 'react';
import { mb } from './stores/snapshotDb';
import { useRunStore } from './stores/runStore';

export function KeptStates() {
  const keep = useRunStore((s) => s.keep);
  const kept = useRunStore((s) => s.kept);
  const setKeep = useRunStore((s) => s.setKeep);
  const deleteKept = useRunStore((s) => s.deleteKept);
  const refresh = useRunStore((s) => s.refreshKept);
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
        <label>
          keep every{' '}
          <input
            type="number"
            min={1}
            max={1000}
            step={1}
            data-testid="keep-every"
            defaultValue={keep.every}
            onChange={(e) => setKeep({ every: Number(e.target.value) })}
          />{' '}
          steps (new runs)
        </label>
        <label>
          budget{' '}
          <input
            type="number"
            min={4}
            max={4096}
            data-testid="keep-budget"
            defaultValue={keep.budgetMB}
            onChange={(e) => setKeep({ budgetMB: Number(e.target.value) })}
          />{' '}
          MB
        </label>
      </div>
      {kept.length > 0 && (
        <table className="runs" data-testid="kept-table">
          <thead>
            <tr>
              <th>run</th>
              <th>step</th>
              <th>size</th>
              <th>kept</th>
              <th />
            </tr>
          </thead>
          <tbody>
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
          </tbody>
        </table>
      )}
    </details>
  );
}
