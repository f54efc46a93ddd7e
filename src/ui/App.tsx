import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { CUSTOM_REWARD_ALGOS } from '../rl/config';
import { Charts } from './Charts';
import { CodeConsent } from './CodeConsent';
import { ConfigPanel } from './ConfigPanel';
import { ExampleProblem } from './ExampleProblem';
import { GpuReport } from './GpuReport';
import { OutsideRunView } from './OutsideRun';
import { RealVlm } from './RealVlm';
import { RolloutsView } from './Rollouts';
import { RunControls } from './RunControls';
import { TeachingView } from './TeachingView';
import { encodeShare } from './share/urlCodec';
import { useRunStore } from './stores/runStore';
import { useDraftStore } from './stores/draftStore';
import { useOutsideStore } from './stores/outsideStore';
import { backendSettled } from './stores/gpuStore';

function Notices() {
  const notices = useRunStore((s) => s.notices);
  const urlErrors = useDraftStore((s) => s.urlErrors);
  const urlKept = useDraftStore((s) => s.urlKept);
  const dismiss = useRunStore((s) => s.dismissNotice);
  const dismissUrl = useDraftStore((s) => s.dismissUrlErrors);
  return (
    <>
      {urlErrors.length > 0 && (
        <div className={`panel ${urlKept ? 'notice' : 'error'}`} data-testid="url-error">
          {urlKept ? (
            <>
              <b>Part of this link could not be used</b>: what is named below was dropped, and the link&apos;s other
              settings are loaded. It does not start by itself: check the form, then Start.
            </>
          ) : (
            <>
              <b>This link could not be used</b>; the defaults are loaded instead.
            </>
          )}
          <ul>
            {urlErrors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
          <button data-testid="dismiss-url-error" onClick={dismissUrl}>
            dismiss
          </button>
        </div>
      )}
      {notices.map((n, i) => (
        <div className="panel notice" key={i} data-testid="notice">
          {n} <button onClick={() => dismiss(i)}>dismiss</button>
        </div>
      ))}
    </>
  );
}

// the editor (CodeMirror) loads only when a custom reward is picked: the first screen does not wait for it
const RewardEditor = lazy(() => import('./RewardEditor').then((m) => ({ default: m.RewardEditor })));

type View = 'playground' | 'teaching' | 'real-vlm' | 'outside';
const TABS: { id: View; name: string }[] = [
  { id: 'playground', name: 'Playground' },
  { id: 'teaching', name: 'Teaching' },
  { id: 'real-vlm', name: 'Real VLM (hub)' },
  { id: 'outside', name: 'Outside runs (verl, TRL)' },
];

/** The ARIA tabs pattern: one tab in the Tab order, arrow keys (and Home, End) move between them and select. */
function Tabs({ view, setView }: { view: View; setView: (v: View) => void }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: React.KeyboardEvent, i: number) => {
    const n = TABS.length;
    const j =
      e.key === 'ArrowRight'
        ? (i + 1) % n
        : e.key === 'ArrowLeft'
          ? (i + n - 1) % n
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? n - 1
              : -1;
    if (j < 0) return;
    e.preventDefault();
    setView(TABS[j].id);
    refs.current[j]?.focus();
  };
  return (
    <nav className="tabs" role="tablist" aria-label="views">
      {TABS.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[i] = el;
          }}
          role="tab"
          id={`tab-${t.id}`}
          aria-selected={view === t.id}
          aria-controls={`panel-${t.id}`}
          tabIndex={view === t.id ? 0 : -1}
          data-testid={`tab-${t.id}`}
          onClick={() => setView(t.id)}
          onKeyDown={(e) => onKey(e, i)}
        >
          {t.name}
        </button>
      ))}
    </nav>
  );
}

export function App() {
  // A Real VLM link (#hub=...) opens that view.
  const [view, setView] = useState<View>(() => (/[#&]hub=/.test(location.hash) ? 'real-vlm' : 'playground'));
  const applyUrl = useDraftStore((s) => s.applyUrl);
  const custom = useDraftStore((s) => CUSTOM_REWARD_ALGOS.includes(s.draft.algo));
  // logs of another framework, opened from "Import run…", show in their own view
  useEffect(
    () =>
      useOutsideStore.subscribe((s, prev) => {
        if (s.status === 'reading' && prev.status !== 'reading') setView('outside');
      }),
    [],
  );
  const start = useRunStore((s) => s.start);
  // a link's run starts once the backend is settled (the probe, or the backend the link names), and only on that one
  useEffect(() => {
    if (applyUrl(location.hash)) void backendSettled().then(({ usable }) => usable && start());
  }, [applyUrl, start]);
  // A link pasted into this tab changes only the hash: apply it as a fresh load would, asking first while a run is live.
  useEffect(() => {
    const onHash = () => {
      if (/[#&]hub=/.test(location.hash)) return setView('real-vlm');
      const s = useRunStore.getState();
      const d = useDraftStore.getState();
      const live = s.runs.find((r) => r.id === s.liveId);
      const busy = live !== undefined && (live.status === 'running' || live.status === 'loading');
      if (
        busy &&
        !confirm(
          "A run is live. Put the link's settings in the form? The live run goes on; Start then runs the link's config.",
        )
      ) {
        history.replaceState(null, '', encodeShare(d.draft, false)); // the address bar keeps saying what the form says
        return;
      }
      if (d.applyUrl(location.hash) && !busy) void backendSettled().then(({ usable }) => usable && s.start());
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  return (
    <main>
      <header className="top">
        <div>
          <h1>MIRL Playground</h1>
          <p className="lede" data-testid="lede">
            A small vision-language model learns, by reinforcement learning in this tab, to look at a picture, say what
            it sees and answer a question about it (right: one problem as the model gets it), and MIRL rewards the
            descriptions that depend on the picture.
          </p>
        </div>
        <ExampleProblem />
      </header>
      <Tabs view={view} setView={setView} />
      <Notices />
      <CodeConsent />
      <GpuReport />
      <div role="tabpanel" id={`panel-${view}`} aria-labelledby={`tab-${view}`}>
        {view === 'real-vlm' ? (
          <RealVlm />
        ) : view === 'outside' ? (
          <OutsideRunView />
        ) : view === 'playground' ? (
          <>
            <div className="two-col">
              <RunControls />
              <ConfigPanel />
            </div>
            {custom && (
              <Suspense fallback={<p className="hint">loading the reward editor…</p>}>
                <RewardEditor />
              </Suspense>
            )}
            <Charts />
            <RolloutsView />
          </>
        ) : (
          <TeachingView />
        )}
      </div>
    </main>
  );
}
