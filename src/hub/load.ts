// Loading an idefics3-format VLM (SmolVLM) through transformers.js: where the
// files come from (the hub or a folder URL), the dtype, the shared GPU device,
// per-file byte progress, and a clear message for each way it can fail.

import {
  AutoConfig,
  AutoModelForVision2Seq,
  AutoProcessor,
  env,
  type PreTrainedModel,
  type Processor,
} from '@huggingface/transformers';

/** Where a load failed, in the words the view shows. */
export class HubError extends Error {
  constructor(
    readonly where: 'model' | 'image' | 'device' | 'settings' | 'busy',
    message: string,
  ) {
    super(message);
    this.name = 'HubError';
  }
}

export type ModelSource = { kind: 'hub'; id: string } | { kind: 'folder'; root: string; name: string; url: string };

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/**
 * A hub id ("owner/name") or a folder holding the files: a URL (absolute, or
 * relative to `base`, the page's address) or, in Node, a filesystem path. A
 * folder is written with a slash ("./models/x/"); anything else is refused.
 */
export function resolveSource(model: string, base?: string): ModelSource {
  const m = model.trim();
  if (HUB_ID.test(m) && !m.startsWith('.')) return { kind: 'hub', id: m };
  if (!m.includes('/')) throw new HubError('model', `not a hub model id (owner/name) or a folder URL: "${model}"`);
  let url = m;
  if (base) {
    try {
      url = new URL(m, base).href;
    } catch {
      throw new HubError('model', `not a hub model id (owner/name) or a folder URL: "${model}"`);
    }
  }
  const folder = url.endsWith('/') ? url : `${url}/`;
  const cut = folder.slice(0, -1).lastIndexOf('/');
  return { kind: 'folder', root: folder.slice(0, cut + 1), name: folder.slice(cut + 1, -1), url: folder };
}

interface FileProgress {
  file: string;
  loaded: number;
  total: number;
  done: boolean;
}

export interface HubLoadOptions {
  /** 'webgpu' in the browser (with the playground's device), 'cpu' in Node. */
  device: 'webgpu' | 'cpu' | 'wasm';
  gpuDevice?: GPUDevice;
  /** Whether the adapter has `shader-f16`: fp16 weights only then, fp32 otherwise; never q8 (wrong on WebGPU). */
  shaderF16?: boolean;
  /** The page's address, against which relative folder URLs resolve. */
  base?: string;
  /** Whether the hub may be reached (off: only folder URLs load). */
  allowHub?: boolean;
  onProgress?: (p: FileProgress) => void;
}

export interface LoadedHubModel {
  source: ModelSource;
  processor: Processor;
  model: PreTrainedModel;
  dtype: 'fp32' | 'fp16';
  device: HubLoadOptions['device'];
  imageTokenId: number;
  /** Token ids that end a turn (generation stops at the first). */
  eosIds: number[];
  padId: number;
  vocabSize: number;
  loadMs: number;
}

const SUPPORTED = new Set(['idefics3', 'smolvlm']);

type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>;
let baseFetch: Fetch | undefined =
  typeof globalThis.fetch === 'function' ? globalThis.fetch.bind(globalThis) : undefined;
/** The fetch under the hook (tests stand in an offline network or an HTML-answering server). */
export function setBaseFetch(f: Fetch): void {
  baseFetch = f;
}
/** Every URL transformers.js asked for, in order (the tests check none leaves). */
export const requestLog: string[] = [];

/** The load in progress: where its files live, and who hears of their bytes. */
let watch: { prefixes: string[]; onProgress?: (p: FileProgress) => void } | null = null;

function fileOf(url: string): string {
  const path = url.split('?')[0];
  for (const p of watch?.prefixes ?? []) if (path.startsWith(p)) return path.slice(p.length);
  // Not a model file: onnxruntime's own runtime, fetched on the first session.
  return `${path.split('/').pop()} (onnxruntime)`;
}

/** The body, counted as it is read: per-file byte progress for the view. */
function counted(res: Response, file: string, report: (p: FileProgress) => void): Response {
  const total = Number(res.headers.get('content-length') ?? 0);
  if (!res.body) return res;
  let loaded = 0;
  const body = res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctl) {
        loaded += chunk.byteLength;
        report({ file, loaded, total, done: false });
        ctl.enqueue(chunk);
      },
      flush() {
        report({ file, loaded, total: total || loaded, done: true });
      },
    }),
  );
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/**
 * transformers.js fetches through this: it logs the URL, counts the bytes of
 * each model file, and turns an HTML page served for a model file (a dev
 * server's answer to a missing file) into a 404, so the error names the
 * missing file instead of "Unexpected token '<'".
 */
async function hubFetch(input: string | URL, init?: RequestInit): Promise<Response> {
  const url = String(input);
  requestLog.push(url);
  if (!baseFetch) throw new TypeError('fetch is not available');
  const res = await baseFetch(input, init);
  const type = res.headers.get('content-type') ?? '';
  if (res.ok && type.includes('text/html') && !/\.html?($|\?)/.test(url)) {
    return new Response(null, { status: 404, statusText: 'an HTML page was served instead of the file' });
  }
  // Existence probes (a one-byte range) are not downloads.
  const probe = new Headers(init?.headers).has('Range');
  const report = watch?.onProgress;
  return res.ok && !probe && report ? counted(res, fileOf(url), report) : res;
}

let envSet = false;
/**
 * Offline-safe settings, once: remote models only when asked per load, no
 * local models unless a folder is loaded, and onnxruntime's wasm from the
 * app's own copy (transformers.js points it at a CDN otherwise).
 */
export function configureHubEnv(wasmPaths?: { wasm: string; mjs: string }): void {
  if (!envSet) {
    env.fetch = hubFetch;
    env.allowRemoteModels = false;
    env.allowLocalModels = false;
    envSet = true;
  }
  const onnx = env.backends.onnx as { wasm?: { wasmPaths?: unknown; numThreads?: number } };
  if (wasmPaths && onnx.wasm) {
    onnx.wasm.wasmPaths = wasmPaths;
    // Threads need cross-origin isolation, which a static host may not give.
    onnx.wasm.numThreads = 1;
  }
}

function isNetworkError(e: unknown): boolean {
  const m = String((e as Error)?.message ?? e);
  return /fetch failed|Failed to fetch|NetworkError|Load failed|ENOTFOUND|ECONNREFUSED|EAI_AGAIN/i.test(m);
}

/** The message a failed load shows: what was being loaded and what went wrong, in one line. */
function loadErrorMessage(source: ModelSource, e: unknown): string {
  if (e instanceof HubError) return e.message;
  const m = String((e as Error)?.message ?? e);
  const missing = /Could not locate file: "?([^"]+)"?/.exec(m) ?? /file was not found locally at "?([^"]+)"?/.exec(m);
  if (source.kind === 'hub') {
    if (isNetworkError(e) || missing || /404|401|Unauthorized|Not Found/i.test(m)) {
      return `offline, or the model id does not exist: ${source.id} (${m.slice(0, 200)})`;
    }
    return `could not load ${source.id}: ${m.slice(0, 300)}`;
  }
  if (missing) return `the model folder ${source.url} is missing a file: ${missing[1].split('/').slice(-2).join('/')}`;
  if (isNetworkError(e)) return `the model folder ${source.url} cannot be reached (${m.slice(0, 200)})`;
  return `could not load the model in ${source.url}: ${m.slice(0, 300)}`;
}

/** fp16 only where the adapter has shader-f16, unless the model's config pins its dtype. */
function chooseDtype(config: Record<string, unknown>, shaderF16: boolean): 'fp32' | 'fp16' {
  const pinned = (config['transformers.js_config'] as { dtype?: unknown } | undefined)?.dtype;
  if (pinned === 'fp32' || pinned === 'fp16') return pinned === 'fp16' && !shaderF16 ? 'fp32' : pinned;
  return shaderF16 ? 'fp16' : 'fp32';
}

const HUB_HOST = 'https://huggingface.co/';
const HUB_TEMPLATE = '{model}/resolve/{revision}/';

/**
 * Each load says where files may come from. transformers.js checks that a
 * "local" file exists only for paths, not URLs: a folder on the page's own
 * origin is given as its path, a folder elsewhere as a remote host whose
 * layout is the folder itself, a folder in Node as a filesystem path.
 */
function whereFrom(source: ModelSource): void {
  env.remoteHost = HUB_HOST;
  env.remotePathTemplate = HUB_TEMPLATE;
  env.allowRemoteModels = source.kind === 'hub';
  env.allowLocalModels = false;
  if (source.kind === 'hub') return;
  if (!/^https?:/.test(source.root)) {
    env.allowLocalModels = true;
    env.localModelPath = source.root;
    return;
  }
  const root = new URL(source.root);
  if (typeof location !== 'undefined' && root.origin === location.origin) {
    env.allowLocalModels = true;
    env.localModelPath = root.pathname;
  } else {
    env.allowRemoteModels = true;
    env.remoteHost = source.root;
    env.remotePathTemplate = '{model}/';
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);

export async function loadHubModel(model: string, o: HubLoadOptions): Promise<LoadedHubModel> {
  const t0 = performance.now();
  const source = resolveSource(model, o.base);
  if (source.kind === 'hub' && o.allowHub === false)
    throw new HubError('model', `hub access is off: load a folder URL instead of ${source.id}`);
  whereFrom(source);
  const id = source.kind === 'hub' ? source.id : source.name;
  watch = { prefixes: filePrefixes(source), onProgress: o.onProgress };
  // Bytes are counted in the fetch hook; files read from the browser's cache or the
  // filesystem only say they are done.
  const progress = (p: { status: string; file?: string }) => {
    if (o.onProgress && p.file && p.status === 'done') o.onProgress({ file: p.file, loaded: 0, total: 0, done: true });
  };
  try {
    const config = (await AutoConfig.from_pretrained(id, { progress_callback: progress })) as unknown as Record<
      string,
      unknown
    >;
    const type = String(config.model_type);
    if (!SUPPORTED.has(type)) {
      throw new HubError(
        'model',
        `unsupported architecture: model_type "${type}" (this view runs idefics3-format models such as SmolVLM)`,
      );
    }
    const dtype = chooseDtype(config, o.shaderF16 ?? false);
    const processor = await AutoProcessor.from_pretrained(id, { progress_callback: progress });
    const vlm = await AutoModelForVision2Seq.from_pretrained(id, {
      dtype,
      device: o.device,
      progress_callback: progress,
      ...(o.device === 'webgpu' && o.gpuDevice
        ? { session_options: { executionProviders: [{ name: 'webgpu', device: o.gpuDevice }] } }
        : {}),
    } as Parameters<typeof AutoModelForVision2Seq.from_pretrained>[1]);
    const text = (config.text_config ?? {}) as Record<string, unknown>;
    const imageTokenId = num(config.image_token_id) ?? num(config.image_token_index);
    const vocabSize = num(text.vocab_size) ?? num(config.vocab_size);
    if (imageTokenId === undefined || vocabSize === undefined)
      throw new HubError('model', `config.json of ${id} lacks image_token_id or vocab_size`);
    const gen = (vlm as unknown as { generation_config?: Record<string, unknown> }).generation_config ?? {};
    const eos = [gen.eos_token_id, config.eos_token_id, text.eos_token_id]
      .flatMap((v) => (Array.isArray(v) ? v : [v]))
      .filter((v): v is number => typeof v === 'number');
    const tok = processor.tokenizer;
    const endUtt: unknown = tok?.convert_tokens_to_ids('<end_of_utterance>');
    if (typeof endUtt === 'number') eos.push(endUtt);
    const padId = num(gen.pad_token_id) ?? num(config.pad_token_id) ?? num(text.pad_token_id) ?? eos[0] ?? 0;
    return {
      source,
      processor,
      model: vlm,
      dtype,
      device: o.device,
      imageTokenId,
      eosIds: [...new Set(eos)],
      padId,
      vocabSize,
      loadMs: performance.now() - t0,
    };
  } catch (e) {
    throw new HubError('model', loadErrorMessage(source, e));
  } finally {
    watch = null;
  }
}

/** The URL prefixes under which this model's files are fetched (to name each file relative to its folder). */
function filePrefixes(source: ModelSource): string[] {
  if (source.kind === 'hub') return [`${HUB_HOST}${source.id}/resolve/main/`];
  const out = [source.url];
  if (typeof location !== 'undefined' && /^https?:/.test(source.url)) out.push(new URL(source.url).pathname);
  return out;
}
