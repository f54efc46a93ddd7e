// The config being edited and the backend the next run uses: where they come from (the form, the address bar,
// a share link, the backend probe) and where they go (the address bar, a share link). Runs read them when they
// start (runStore); nothing here knows about runs.

import { create } from 'zustand';
import { DEFAULT_RL, type RLConfig } from '../../rl/config';
import { validateRL } from '../../rl/configValidation';
import type { BackendKind } from '../../worker/protocol';
import { decodeShare, encodeShare } from '../share/urlCodec';

/**
 * How the backend was picked: `measuring` until the probe decides (a provisional one is set),
 * `measured` by the probe, `chosen` by the user (kept across reloads), `link` named by the link
 * opened, `only` the one this browser has.
 */
type BackendBy = 'measuring' | 'measured' | 'chosen' | 'link' | 'only';

/** The user's explicit choice of backend, kept across reloads; absent: the page measures. */
const BACKEND_KEY = 'mirl-playground-backend';

const KINDS: readonly BackendKind[] = ['webgpu', 'wasm', 'cpu'];

function keptChoice(): BackendKind | null {
  try {
    const v = typeof localStorage === 'undefined' ? null : localStorage.getItem(BACKEND_KEY);
    return KINDS.find((k) => k === v) ?? null;
  } catch {
    return null; // storage blocked: the page measures every time
  }
}

function keepChoice(b: BackendKind | null): void {
  try {
    if (b) localStorage.setItem(BACKEND_KEY, b);
    else localStorage.removeItem(BACKEND_KEY);
  } catch {
    /* storage blocked: the choice holds for this page only */
  }
}

/**
 * Reward code this tab has written or agreed to run, word for word: the address bar carries it, so a reload reads it
 * back as a link, and asking again for one's own code would hold the form at the defaults until the answer. Kept in
 * sessionStorage (this tab only, across reloads); another tab, or someone's link, still asks.
 */
const OWN_CODE_KEY = 'mirl-playground-own-code';
const OWN_CODE_MAX = 20;

function ownCode(): string[] {
  try {
    const v: unknown = JSON.parse(sessionStorage.getItem(OWN_CODE_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function keepOwnCode(source: string): void {
  if (source.trim() === '') return;
  try {
    const kept = [source, ...ownCode().filter((c) => c !== source)].slice(0, OWN_CODE_MAX);
    sessionStorage.setItem(OWN_CODE_KEY, JSON.stringify(kept));
  } catch {
    /* storage blocked or full: a reload asks again, as for anyone's link */
  }
}

interface DraftStore {
  draft: RLConfig;
  /** Each field's problem, as the form shows it; empty when the draft is valid. */
  fieldErrors: Record<string, string>;
  /** What is wrong with the link the page was opened with (or a pasted one). */
  urlErrors: string[];
  /** Whether the link's other fields were kept (a field was dropped) or the defaults loaded (the link failed). */
  urlKept: boolean;
  backend: BackendKind;
  backendBy: BackendBy;
  /** The backend the last link opened names (null: it names none). */
  linkBackend: BackendKind | null;
  /** One line beside the backend field: why this backend. */
  backendWhy: string;
  setField<K extends keyof RLConfig>(k: K, v: RLConfig[K]): void;
  /** Replaces the whole draft (a preset, a resumed run's config) and checks it. */
  setDraft(config: RLConfig): void;
  /** The user's explicit choice: kept, also across a reload, until they ask for the measured one again. */
  setBackend(b: BackendKind): void;
  /** The page's own pick (the probe, a link, the only one there is): never kept; `measured` does not override the user or a link. */
  pickBackend(b: BackendKind, by: Exclude<BackendBy, 'chosen'>, why: string): void;
  /** Forgets the user's choice: the probe picks again. */
  forgetBackendChoice(): void;
  /**
   * Applies a link's config; true when the link also asks to start the run. A link that carries
   * code (a custom reward) is held in `pendingCode` instead, until the user consents to it.
   */
  applyUrl(hash: string): boolean;
  /** A link's config that carries code, shown and held until consent: nothing runs from a link without it. */
  pendingCode: { config: RLConfig; run: boolean; backend: BackendKind | null } | null;
  /** Loads the held link's config; true when the link asks to start the run. */
  consentToCode(): boolean;
  /** Drops the held link: the form keeps what it had. */
  declineCode(): void;
  shareUrl(): string;
  dismissUrlErrors(): void;
}

const kept = keptChoice();

export const useDraftStore = create<DraftStore>((set, get) => ({
  draft: { ...DEFAULT_RL },
  fieldErrors: {},
  urlErrors: [],
  urlKept: false,
  // until the probe answers, wasm: it runs everywhere, and on a software adapter it is the faster
  backend: kept ?? 'wasm',
  backendBy: kept ? 'chosen' : 'measuring',
  backendWhy: kept ? 'your choice, kept from your last visit' : 'measuring which backend is faster here…',
  linkBackend: null,
  setField(k, v) {
    const draft = { ...get().draft, [k]: v };
    if (k === 'rewardCode') keepOwnCode(draft.rewardCode);
    const fieldErrors = validateRL(draft);
    set({ draft, fieldErrors });
    // the address bar follows the config, so a reload keeps it (it does not restart a run)
    // (with the backend a link named while it holds, so that a reload opens on it as the link did)
    if (Object.keys(fieldErrors).length === 0 && typeof history !== 'undefined')
      history.replaceState(null, '', encodeShare(draft, false, get().backendBy === 'link' ? get().backend : undefined));
  },
  setDraft(config) {
    set({ draft: config, fieldErrors: validateRL(config) });
  },
  setBackend(b) {
    keepChoice(b);
    set({ backend: b, backendBy: 'chosen', backendWhy: 'your choice, kept for your next visit' });
  },
  pickBackend(b, by, why) {
    const now = get().backendBy;
    // a measurement that lands after the user chose, or after a link named one, changes nothing
    if (by === 'measured' && now !== 'measuring') return;
    set({ backend: b, backendBy: by, backendWhy: why });
  },
  forgetBackendChoice() {
    keepChoice(null);
    set({ backendBy: 'measuring', backendWhy: 'measuring which backend is faster here…' });
  },
  pendingCode: null,
  applyUrl(hash) {
    const d = decodeShare(hash);
    const usable = d.present && d.errors.length === 0;
    if (usable && d.config.rewardCode.trim() !== '' && !ownCode().includes(d.config.rewardCode)) {
      set({ pendingCode: { config: d.config, run: d.run, backend: d.backend }, urlErrors: d.dropped, urlKept: true });
      // the address bar keeps the link until the answer (so a reload, or the page applying it twice, asks the same)
      return false;
    }
    set({ pendingCode: null });
    set({
      urlErrors: [...d.errors, ...d.dropped],
      urlKept: usable,
      linkBackend: usable ? d.backend : null,
      ...(usable ? { draft: d.config, fieldErrors: {} } : {}),
    });
    if (usable && d.backend) get().pickBackend(d.backend, 'link', 'named by the link you opened');
    // a link that starts a run starts it once: a reload keeps the config, not the start
    if (d.run && d.errors.length === 0 && typeof history !== 'undefined')
      history.replaceState(null, '', encodeShare(d.config, false, d.backend ?? undefined));
    return d.run && d.errors.length === 0;
  },
  consentToCode() {
    const p = get().pendingCode;
    if (!p) return false;
    set({ pendingCode: null, draft: p.config, fieldErrors: validateRL(p.config), linkBackend: p.backend });
    keepOwnCode(p.config.rewardCode);
    if (p.backend) get().pickBackend(p.backend, 'link', 'named by the link you opened');
    // the link's run starts once: a reload keeps the config, not the start
    if (typeof history !== 'undefined')
      history.replaceState(null, '', encodeShare(p.config, false, p.backend ?? undefined));
    return p.run;
  },
  declineCode() {
    set({ pendingCode: null });
    if (typeof history !== 'undefined') history.replaceState(null, '', encodeShare(get().draft, false));
  },
  shareUrl() {
    const { draft, backend } = get();
    return `${location.origin}${location.pathname}${encodeShare(draft, true, backend)}`;
  },
  dismissUrlErrors() {
    set({ urlErrors: [] });
  },
}));
