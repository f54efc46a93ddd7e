// The config being edited and the backend the next run uses: where they come from (the form, the address bar,
// a share link) and where they go (the address bar, a share link). Runs read them when they start
// (runStore); nothing here knows about runs.

import { create } from 'zustand';
import { DEFAULT_RL, validateRL, type RLConfig } from '../../rl/config';
import type { BackendKind } from '../../worker/protocol';
import { decodeShare, encodeShare } from '../share/urlCodec';

interface DraftStore {
  draft: RLConfig;
  /** Each field's problem, as the form shows it; empty when the draft is valid. */
  fieldErrors: Record<string, string>;
  /** What is wrong with the link the page was opened with (or a pasted one). */
  urlErrors: string[];
  backend: BackendKind;
  setField<K extends keyof RLConfig>(k: K, v: RLConfig[K]): void;
  /** Replaces the whole draft (a preset, a resumed run's config) and checks it. */
  setDraft(config: RLConfig): void;
  setBackend(b: BackendKind): void;
  /** Applies a link's config; true when the link also asks to start the run. */
  applyUrl(hash: string): boolean;
  shareUrl(): string;
  dismissUrlErrors(): void;
}

export const useDraftStore = create<DraftStore>((set, get) => ({
  draft: { ...DEFAULT_RL },
  fieldErrors: {},
  urlErrors: [],
  backend: 'webgpu',
  setField(k, v) {
    const draft = { ...get().draft, [k]: v };
    const fieldErrors = validateRL(draft);
    set({ draft, fieldErrors });
    // the address bar follows the config, so a reload keeps it (it does not restart a run)
    if (Object.keys(fieldErrors).length === 0 && typeof history !== 'undefined')
      history.replaceState(null, '', encodeShare(draft, false));
  },
  setDraft(config) {
    set({ draft: config, fieldErrors: validateRL(config) });
  },
  setBackend(b) {
    set({ backend: b });
  },
  applyUrl(hash) {
    const d = decodeShare(hash);
    set({ urlErrors: d.errors, ...(d.present && d.errors.length === 0 ? { draft: d.config, fieldErrors: {} } : {}) });
    // a link that starts a run starts it once: a reload keeps the config, not the start
    if (d.run && d.errors.length === 0 && typeof history !== 'undefined')
      history.replaceState(null, '', encodeShare(d.config, false));
    return d.run && d.errors.length === 0;
  },
  shareUrl() {
    return `${location.origin}${location.pathname}${encodeShare(get().draft)}`;
  },
  dismissUrlErrors() {
    set({ urlErrors: [] });
  },
}));
