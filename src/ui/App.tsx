import { useEffect, useRef, useState } from 'react';
import { BlindnessDemo } from './BlindnessDemo';
import { Charts } from './Charts';
import { ConfigPanel } from './ConfigPanel';
import { GpuReport } from './GpuReport';
import { OutsideRunView } from './OutsideRun';
import { RealVlm } from './RealVlm';
import { RolloutsView } from './Rollouts';
import { RunControls } from './RunControls';
import { encodeShare } from './share/urlCodec';
import { useRunStore } from './stores/runStore';
import { useDraftStore } from './stores/draftStore';
import { useOutsideStore } from './stores/outsideStore';

function Notices() {
  const notices = useRunStore((s) => s.notices);
  const urlErrors = useDraftStore((s) => s.urlErrors);
  const dismiss = useRunStore((s) => s.dismissNotice);
  const dismissUrl = useDraftStore((s) => s.dismissUrlErrors);
  return (
    <>
      {urlErrors.length > 0 && (
        <div className="panel error" data-testid="url-error">
          <b>This link could not be used</b>; the defaults are loaded instead.
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

type View = 'playground' | 'blindness' | 'real-vlm' | 'outside';
const TABS: { id: View; name: string }[] = [
  { id: 'playground', name: 'Playground' },
  { id: 'blindness', name: 'Reward blindness (for teaching)' },
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
  // logs of another framework, opened from "Import run…", show in their own view
  useEffect(
    () =>
      useOutsideStore.subscribe((s, prev) => {
        if (s.status === 'reading' && prev.status !== 'reading') setView('outside');
      }),
    [],
  );
  const start = useRunStore((s) => s.start);
  useEffect(() => {
    if (applyUrl(location.hash)) start();
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
      if (d.applyUrl(location.hash) && !busy) s.start();
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  return (
    <main>
      <header>
        <h1>MIRL Playground</h1>
        <p className="lede">
          A small vision-language model trained with reinforcement learning in this tab, on WebGPU:
          mutual-information-guided forking, decoupled perception and answer rewards, and reward blindness, live.
        </p>
      </header>
      <Tabs view={view} setView={setView} />
      <Notices />
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
            <Charts />
            <RolloutsView />
          </>
        ) : (
          <BlindnessDemo />
        )}
      </div>
    </main>
  );
}
