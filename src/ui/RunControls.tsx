import { useLayoutEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { RUN_COLORS } from './colors';
import { downloadText, metricsCsv } from './csv';
import { KeptStates } from './KeptStates';
import { RecipeButtons } from './RecipeExport';
import { blobSource, isOutsideLog } from '../bridge/importer';
import { useOutsideStore } from './stores/outsideStore';
import { useRunStore, type Run } from './stores/runStore';
import { useDraftStore } from './stores/draftStore';
import { useGpuStore } from './stores/gpuStore';
import { problemOf, useRewardCompile } from './stores/rewardCompileStore';
import { CUSTOM_REWARD_ALGOS } from '../rl/config';
import { encodeShare } from './share/urlCodec';
import type { BackendKind } from '../worker/protocol';

/** What the live step is doing: it changes many times a step, so it alone re-renders then. */
function PhaseLine({ live }: { live: Run | undefined }) {
  const phase = useRunStore((s) => s.phase);
  return (
    <span className="phase" data-testid="phase" aria-live="polite">
      {live && (live.status === 'running' || live.status === 'loading') && phase
        ? `step ${live.step + 1}: ${phase}${phase.includes('…') ? '' : '…'}`
        : live?.status === 'loading'
          ? 'starting the trainer…'
          : ''}
    </span>
  );
}

function LoadProgress() {
  const load = useRunStore((s) => s.load);
  if (!load) return null;
  return (
    <span data-testid="load-progress">
      loading checkpoint {(load.loaded / 1e6).toFixed(2)}
      {load.total ? ` / ${(load.total / 1e6).toFixed(2)}` : ''} MB
      <progress max={load.total ?? 1} value={load.total ? load.loaded : undefined} />
    </span>
  );
}

export function RunControls() {
  // everything but what changes within a step (the phase, the download), which their own components follow
  const s = useRunStore(useShallow(({ phase: _p, load: _l, ...rest }) => rest));
  const d = useDraftStore();
  const importOutside = useOutsideStore((o) => o.importFiles);
  const gpu = useGpuStore();
  // WebGPU is offered while the adapter is asked for and where there is one, never where there is none
  const webgpuHere = gpu.probe === null || gpu.probe.ok;
  const live = s.runs.find((r) => r.id === s.liveId);
  // once a run ends (Stop, done, an error) the status line goes on showing it, not "idle, step 0"
  const [lastLive, setLastLive] = useState<number | null>(null);
  if (s.liveId !== null && s.liveId !== lastLive) setLastLive(s.liveId);
  const shown = live ?? s.runs.find((r) => r.id === lastLive);
  const last = live?.metrics[live.metrics.length - 1];
  // the mean over the run beside the last step's, which may carry a held-out evaluation
  const meanMs =
    live && live.metrics.length ? live.metrics.reduce((a, m) => a + m.step_ms, 0) / live.metrics.length : 0;
  const active = live !== undefined && ['loading', 'ready', 'running', 'paused'].includes(live.status);
  const [shared, setShared] = useState('');
  const file = useRef<HTMLInputElement>(null);
  // code that does not compile would fail the run at once: Start waits until it is fixed
  const codeProblem = useRewardCompile((c) =>
    CUSTOM_REWARD_ALGOS.includes(d.draft.algo) ? problemOf(c, d.draft.rewardCode) : null,
  );
  const invalid = Object.keys(d.fieldErrors).length > 0 || codeProblem !== null;
  // A pressed button that disables itself (Start while the run goes, Pause once paused) would drop
  // focus to the page: it moves to the first enabled run button instead.
  const buttons = useRef<HTMLDivElement>(null);
  const focused = useRef<HTMLButtonElement | null>(null);
  useLayoutEffect(() => {
    const f = focused.current;
    if (!f?.disabled || !buttons.current) return;
    const next = ['pause', 'start', 'step', 'stop']
      .map((id) => buttons.current!.querySelector<HTMLButtonElement>(`[data-testid="${id}"]`))
      .find((b) => b && !b.disabled);
    next?.focus();
    focused.current = next ?? null;
  });

  const share = async () => {
    const url = d.shareUrl();
    setShared(url);
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      /* the URL stays visible in the field to copy by hand */
    }
  };
  const fileName = (label: string, ext: string) => `${label.replace(/[^\w.#-]+/g, '_')}.${ext}`;
  const exportWithState = async (r: Run) => {
    try {
      downloadText(fileName(`${r.label} with state`, 'json'), await s.exportRunWithState(r.id), 'application/json');
    } catch (e) {
      useRunStore.setState((st) => ({ notices: [...st.notices, `export failed: ${(e as Error).message}`] }));
    }
  };
  // a run not live here, with a state kept before its last step and curves up to that state, can go on
  const resumable = (r: Run) =>
    r.keptStep !== null &&
    r.id !== s.liveId &&
    r.keptStep < r.config.steps &&
    r.keptStep <= r.metrics.length &&
    r.status !== 'loading';
  /** What the row says of resuming, from the state that is kept now (never stored, so it cannot go stale). */
  const resumeNote = (r: Run): string | null => {
    if (r.elsewhere) return 'open in another tab, which owns it: this tab neither resumes it nor writes its state';
    if (r.id === s.liveId) return null;
    // a run stopped here between two kept states: Resume goes back to the last one
    if (r.status === 'stopped')
      return resumable(r) && r.keptStep! < r.metrics.length
        ? `stopped at step ${r.metrics.length}; its trainer state was kept at step ${r.keptStep}: Resume continues from there (steps ${r.keptStep! + 1}-${r.metrics.length} are re-run, identically)`
        : null;
    if (r.status !== 'restored') return null;
    if (r.keptStep === null)
      return `stopped at step ${r.metrics.length} by a reload; no trainer state was kept for it, so it cannot resume (Start begins a new run with its config)`;
    if (!resumable(r))
      return `stopped at step ${r.metrics.length} by a reload; its state kept at step ${r.keptStep} is past its curves, so it cannot resume`;
    return `stopped at step ${r.metrics.length} by a reload; its trainer state was kept at step ${r.keptStep}: Resume continues from there (later steps are re-run, identically)`;
  };
  // a run's link names the backend it ran on, so that it opens there
  const linkOf = (r: Run) => `${location.origin}${location.pathname}${encodeShare(r.config, true, r.backend)}`;
  const copyLink = async (r: Run) => {
    const url = linkOf(r);
    setShared(url);
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      /* the URL stays visible in the field to copy by hand */
    }
  };

  return (
    <section className="panel controls" data-testid="controls">
      <div
        className="buttons"
        ref={buttons}
        onFocus={(e) => {
          if (e.target instanceof HTMLButtonElement) focused.current = e.target;
        }}
      >
        <button data-testid="start" disabled={invalid || live?.status === 'running'} onClick={s.start}>
          Start
        </button>
        <button data-testid="pause" disabled={live?.status !== 'running'} onClick={s.pause}>
          Pause
        </button>
        <button
          data-testid="step"
          disabled={invalid || live?.status === 'running' || live?.status === 'loading'}
          onClick={s.stepOnce}
        >
          Step once
        </button>
        <button data-testid="stop" disabled={!active} onClick={s.stop} title="end this run; it stays on the charts">
          Stop
        </button>
        <label className="backend">
          <span>backend </span>
          <select data-testid="backend" value={d.backend} onChange={(e) => d.setBackend(e.target.value as BackendKind)}>
            {webgpuHere && <option value="webgpu">WebGPU</option>}
            <option value="wasm">WebAssembly SIMD (CPU)</option>
            <option value="cpu">CPU reference (slow)</option>
          </select>
        </label>
      </div>
      {codeProblem && (
        <p className="why" role="alert" data-testid="start-why">
          Start waits for your reward to compile: {codeProblem.line !== null ? `line ${codeProblem.line}: ` : ''}
          {codeProblem.message}
        </p>
      )}
      <div className="backend-why" data-testid="backend-why" data-by={d.backendBy} title={d.backendWhy}>
        <span>
          {d.backendBy === 'measuring' || gpu.measuring ? 'measuring which backend is faster here…' : d.backendWhy}
        </span>
        {d.backendBy === 'chosen' && gpu.probe?.ok && (
          <button
            className="link"
            data-testid="backend-measure"
            title="forget your choice and time one small step on each backend, as on a first visit"
            onClick={() => {
              d.forgetBackendChoice();
              void gpu.measure();
            }}
          >
            pick by measurement
          </button>
        )}
      </div>
      <div className="status">
        <span>
          status <b data-testid="status">{shown?.status ?? 'idle'}</b>
        </span>
        <span>
          step <b data-testid="step-counter">{live?.step ?? shown?.metrics.length ?? 0}</b> /{' '}
          {shown?.config.steps ?? d.draft.steps}
        </span>
        <PhaseLine live={live} />
        {last && (
          <span data-testid="throughput">
            {(meanMs / 1000).toFixed(1)} s/step on average (last {(last.step_ms / 1000).toFixed(1)} s),{' '}
            {((last.generated_tokens / last.step_ms) * 1000).toFixed(0)} generated tok/s
          </span>
        )}
        <LoadProgress />
      </div>
      <div className="share">
        <button data-testid="share" onClick={share}>
          Copy share URL
        </button>
        <input readOnly data-testid="share-url" value={shared} placeholder="share URL appears here" />
        <button onClick={() => file.current?.click()}>Import run…</button>
        <input
          ref={file}
          type="file"
          accept=".json,application/json,.jsonl,.parquet"
          multiple
          hidden
          data-testid="import"
          onChange={async (e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            if (files.length === 0) return;
            // one of this playground's run files, or another framework's rollout logs (verl, TRL), which have their view
            const one = files[0];
            if (files.length === 1 && !isOutsideLog(one.name, await blobSource(one.name, one).head()))
              await s.importRun(await one.text());
            else importOutside(files);
          }}
        />
      </div>
      {live?.error && (
        <p className="error" data-testid="run-error">
          {live.error}
        </p>
      )}
      {s.storageError && (
        <p className="error" data-testid="storage-error">
          trainer state not kept: {s.storageError}
        </p>
      )}
      {s.runs.length > 0 && (
        <table className="runs" data-testid="runs">
          <thead>
            <tr>
              <th />
              <th>run (click to rename)</th>
              <th>status</th>
              <th>steps</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {s.runs.map((r, i) => (
              <tr key={r.id} data-testid="run-row">
                <td>
                  <span className="swatch" style={{ background: RUN_COLORS[i % RUN_COLORS.length] }} />
                </td>
                <td>
                  <input
                    className="run-label"
                    data-testid="run-label"
                    defaultValue={r.label}
                    key={r.label}
                    aria-label="run name"
                    onBlur={(e) => s.renameRun(r.id, e.target.value)}
                    onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
                  />
                  {r.error && r.status !== 'error' && (
                    <div className="hint" data-testid="run-note">
                      {r.error}
                    </div>
                  )}
                  {(s.restored || r.status === 'stopped') && resumeNote(r) && (
                    <div className="hint" data-testid="resume-note">
                      {resumeNote(r)}
                    </div>
                  )}
                  {s.unsaved[r.uid] && (
                    <div className="error" data-testid={`unsaved-${r.id}`}>
                      not saved for a reload: {s.unsaved[r.uid]}.{' '}
                      <button
                        data-testid={`unsaved-export-${r.id}`}
                        onClick={() => downloadText(fileName(r.label, 'json'), s.exportRun(r.id), 'application/json')}
                      >
                        Export it
                      </button>
                    </div>
                  )}
                </td>
                <td>
                  <span data-testid="run-status">{r.status}</span>
                  {r.keptStep !== null && (
                    <div className="hint" data-testid={`kept-${r.id}`}>
                      state kept at step {r.keptStep}
                    </div>
                  )}
                </td>
                <td data-testid="run-steps">{r.metrics.length}</td>
                <td className="run-actions">
                  {resumable(r) && (
                    <button
                      data-testid={`resume-${r.id}`}
                      disabled={r.elsewhere}
                      title={
                        r.elsewhere ? 'another tab owns this run' : `continue from the state kept at step ${r.keptStep}`
                      }
                      onClick={() => void s.resume(r.id)}
                    >
                      Resume
                    </button>
                  )}
                  <button
                    data-testid={`export-${r.id}`}
                    onClick={() => downloadText(fileName(r.label, 'json'), s.exportRun(r.id), 'application/json')}
                  >
                    JSON
                  </button>
                  <button
                    data-testid={`csv-${r.id}`}
                    onClick={() => downloadText(fileName(r.label, 'csv'), metricsCsv(r.metrics), 'text/csv')}
                  >
                    CSV
                  </button>
                  {r.keptStep !== null && !r.elsewhere && (
                    <button
                      data-testid={`export-state-${r.id}`}
                      title="the run file with the trainer's kept state inside, to continue elsewhere"
                      onClick={() => void exportWithState(r)}
                    >
                      JSON + state
                    </button>
                  )}
                  <RecipeButtons config={r.config} link={() => linkOf(r)} name={r.label} testId={`recipe-${r.id}`} />
                  <button data-testid={`link-${r.id}`} onClick={() => copyLink(r)}>
                    copy link
                  </button>
                  <button
                    data-testid={`delete-${r.id}`}
                    onClick={() =>
                      window.confirm(
                        `Delete the run "${r.label}"? Its curves, rollouts and kept state go; export it first to keep them.`,
                      ) && s.deleteRun(r.id)
                    }
                  >
                    delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <KeptStates />
    </section>
  );
}
