// State of the Real VLM view: settings (mirrored in the address bar), the load
// with per-file progress, the image, the run and its result, and each error at
// the place it happened. Messages from the hub worker are the only source of results.

import { create } from 'zustand';
import type { HubResult } from '../../hub/result';
import { resultFileName } from '../../hub/result';
import {
  DEFAULT_HUB_SETTINGS,
  decodeHubHash,
  encodeHubHash,
  MAX_IMAGE_PIXELS,
  validateHubSettings,
  type HubSettings,
} from '../../hub/settings';
import type { FromHub, HubStage, PixelImage } from '../../worker/hubProtocol';
import { HubClient, ORT_WASM } from '../hubClient';
import { useRunStore } from './runStore';

export type HubPlace = 'model' | 'image' | 'run' | 'settings' | 'device';

export interface HubImage extends PixelImage {
  /** Where it came from, as the view says it. */
  label: string;
  /** A data URL for the preview beside the results. */
  preview: string;
}

interface FileState {
  loaded: number;
  total: number;
  done: boolean;
}

interface HubState {
  settings: HubSettings;
  allowHub: boolean;
  cpuCheck: boolean;
  status: 'idle' | 'loading' | 'ready' | 'running';
  files: Record<string, FileState>;
  loadedModel: {
    model: string;
    dtype: 'fp32' | 'fp16';
    device: 'webgpu' | 'wasm';
    loadMs: number;
    cached: boolean;
  } | null;
  image: HubImage | null;
  stage: HubStage | null;
  result: HubResult | null;
  errors: Partial<Record<HubPlace, string>>;
  linkErrors: string[];
  set(patch: Partial<HubSettings>): void;
  setAllowHub(v: boolean): void;
  setCpuCheck(v: boolean): void;
  applyHash(hash: string): void;
  load(): void;
  setImage(img: HubImage): void;
  imageError(message: string): void;
  run(): void;
  exportJson(): { name: string; text: string } | null;
  shareUrl(): string;
}

let client: HubClient | null = null;

/** Whether a TinyVLM run holds the GPU: hub work waits for it (it would compete for the same GPU's time and memory). */
function trainerBusy(): string | null {
  const live = useRunStore.getState().runs.find((r) => r.status === 'running' || r.status === 'loading');
  return live
    ? `a TinyVLM run is ${live.status === 'loading' ? 'loading' : 'training'} (${live.label}); pause or stop it first`
    : null;
}

export const useHubStore = create<HubState>((set, get) => {
  const onMessage = (m: FromHub) => {
    if (m.type === 'file') {
      // A bare "done" (a file read from the cache) keeps the bytes counted for it, if any.
      set((s) => {
        const was = s.files[m.file];
        const next =
          m.done && m.total === 0 && was
            ? { ...was, done: true }
            : { loaded: m.loaded, total: m.total, done: m.done || (was?.done ?? false) };
        return { files: { ...s.files, [m.file]: next } };
      });
    } else if (m.type === 'loaded')
      set({
        status: 'ready',
        loadedModel: { model: m.model, dtype: m.dtype, device: m.device, loadMs: m.loadMs, cached: m.cached },
      });
    else if (m.type === 'stage') set({ stage: m.stage });
    else if (m.type === 'result') set({ status: 'ready', stage: null, result: m.result });
    else {
      const wasLoading = get().status === 'loading';
      set((s) => ({
        status: wasLoading || m.where === 'device' ? 'idle' : s.loadedModel ? 'ready' : 'idle',
        stage: null,
        loadedModel: wasLoading || m.where === 'device' ? null : s.loadedModel,
        errors: { ...s.errors, [m.where]: m.message },
      }));
    }
  };
  const worker = () => (client ??= new HubClient(onMessage));
  const clearError = (p: HubPlace) => set((s) => ({ errors: { ...s.errors, [p]: undefined } }));

  return {
    settings: DEFAULT_HUB_SETTINGS,
    allowHub: true,
    cpuCheck: true,
    status: 'idle',
    files: {},
    loadedModel: null,
    image: null,
    stage: null,
    result: null,
    errors: {},
    linkErrors: [],
    set(patch) {
      const next = { ...get().settings, ...patch };
      const v = validateHubSettings(next);
      set((s) => ({ settings: next, errors: { ...s.errors, settings: v.ok ? undefined : v.errors.join('; ') } }));
      // the address bar follows the settings, so a reload or a copied address keeps them
      if (v.ok && typeof history !== 'undefined') history.replaceState(null, '', `#${encodeHubHash(v.settings)}`);
    },
    setAllowHub: (v) => set({ allowHub: v }),
    setCpuCheck: (v) => set({ cpuCheck: v }),
    applyHash(hash) {
      const d = decodeHubHash(hash);
      if (d) set({ settings: d.settings, linkErrors: d.errors });
    },
    load() {
      const { settings, status, allowHub } = get();
      if (status === 'loading' || status === 'running') return;
      const busy = trainerBusy();
      if (busy) {
        set((s) => ({ errors: { ...s.errors, model: busy } }));
        return;
      }
      clearError('model');
      clearError('device');
      set({ status: 'loading', files: {}, loadedModel: null, result: null });
      worker().send({
        type: 'load',
        model: settings.model,
        base: location.href.split('#')[0],
        allowHub,
        wasm: ORT_WASM,
      });
    },
    setImage(img) {
      clearError('image');
      set({ image: img, result: null });
    },
    imageError(message) {
      set((s) => ({ errors: { ...s.errors, image: message } }));
    },
    run() {
      const { settings, image, status, loadedModel, cpuCheck } = get();
      if (status !== 'ready' || !loadedModel) return;
      const v = validateHubSettings(settings);
      if (!v.ok) {
        set((s) => ({ errors: { ...s.errors, settings: v.errors.join('; ') } }));
        return;
      }
      if (!image) {
        set((s) => ({
          errors: {
            ...s.errors,
            image: 'choose an image first: drop or pick a file, paste one, or take the task scene',
          },
        }));
        return;
      }
      const busy = trainerBusy();
      if (busy) {
        set((s) => ({ errors: { ...s.errors, run: busy } }));
        return;
      }
      clearError('run');
      set({ status: 'running', stage: null });
      const rgba = image.rgba.slice();
      worker().send(
        {
          type: 'run',
          settings: { ...v.settings, model: loadedModel.model },
          image: { width: image.width, height: image.height, rgba },
          cpuCheck,
        },
        [rgba.buffer],
      );
    },
    exportJson() {
      const r = get().result;
      return r ? { name: resultFileName(r), text: JSON.stringify(r, null, 1) } : null;
    },
    shareUrl() {
      return `${location.origin}${location.pathname}#${encodeHubHash(get().settings)}`;
    },
  };
});

/** Decodes an image file in the page (the worker gets its pixels); a clear message when it is not an image or too large. */
export async function imageFromBlob(blob: Blob, label: string): Promise<HubImage> {
  if (blob.type && !blob.type.startsWith('image/')) throw new Error(`"${label}" is not an image (${blob.type})`);
  let bmp: ImageBitmap;
  try {
    bmp = await createImageBitmap(blob);
  } catch (e) {
    throw new Error(`"${label}" could not be decoded as an image (${(e as Error).message || 'unknown format'})`, {
      cause: e,
    });
  }
  if (bmp.width * bmp.height > MAX_IMAGE_PIXELS) {
    const msg = `"${label}" is too large: ${bmp.width} x ${bmp.height} pixels (at most ${MAX_IMAGE_PIXELS / 1024 / 1024} Mpx)`;
    bmp.close();
    throw new Error(msg);
  }
  const c = document.createElement('canvas');
  c.width = bmp.width;
  c.height = bmp.height;
  const ctx = c.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas to read the image');
  ctx.drawImage(bmp, 0, 0);
  bmp.close();
  const data = ctx.getImageData(0, 0, c.width, c.height);
  return { width: c.width, height: c.height, rgba: data.data, label, preview: c.toDataURL() };
}

/** RGBA pixels (e.g. a rendered task scene) as an image for the view. */
export function imageFromPixels(width: number, height: number, rgba: Uint8ClampedArray, label: string): HubImage {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  c.getContext('2d')?.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
  return { width, height, rgba, label, preview: c.toDataURL() };
}
