// A link that carries code (a custom reward) shows it and waits: nothing runs from a link
// until the user has read the code and said yes.

import { backendSettled } from './stores/gpuStore';
import { useDraftStore } from './stores/draftStore';
import { useRunStore } from './stores/runStore';
import './rewardEditor.css';

export function CodeConsent() {
  const pending = useDraftStore((s) => s.pendingCode);
  const start = useRunStore((s) => s.start);
  if (!pending) return null;
  const accept = () => {
    if (useDraftStore.getState().consentToCode()) void backendSettled().then(({ usable }) => usable && start());
  };
  return (
    <div
      className="panel notice code-consent"
      data-testid="code-consent"
      role="alertdialog"
      aria-label="code in the link"
    >
      <p>
        <b>This link carries code</b>: its reward is JavaScript, shown below. It would run in a sandbox (no access to
        this page, your storage, the network or a clock), but read it first: nothing of the link is loaded until you say
        so.
      </p>
      <pre data-testid="code-consent-source">{pending.config.rewardCode}</pre>
      <button data-testid="code-consent-accept" onClick={accept}>
        {pending.run ? 'Load this code and run the link' : 'Load this code'}
      </button>{' '}
      <button data-testid="code-consent-decline" onClick={() => useDraftStore.getState().declineCode()}>
        Don&apos;t load it
      </button>
    </div>
  );
}
