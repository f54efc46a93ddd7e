// Checkpoints as safetensors: an 8-byte little-endian header length, a JSON
// header {name: {dtype, shape, data_offsets}, __metadata__: {...}}, then the
// little-endian f32 data. The model config travels in the metadata; loading
// checks every name, shape and offset against it and says what is wrong.

import { validateConfig, type ModelConfig } from './config';
import { numel } from '../backend/backend';
import { paramSpecs } from './params';

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

export interface Checkpoint {
  config: ModelConfig;
  /** Tensors by name: the model's parameters, and any extra ones (optimiser state) the writer added. */
  tensors: Map<string, Float32Array>;
  metadata: Record<string, string>;
}

const CONFIG_KEYS: (keyof ModelConfig)[] = [
  'name',
  'imageSize',
  'patchSize',
  'encDim',
  'encLayers',
  'encHeads',
  'dim',
  'layers',
  'heads',
  'mlpRatio',
  'vocabSize',
  'maxSeq',
];

export function encodeCheckpoint(
  config: ModelConfig,
  tensors: Map<string, Float32Array>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {
    __metadata__: { ...metadata, config: JSON.stringify(config), format: 'pt' },
  };
  let offset = 0;
  const names = [...tensors.keys()];
  const shapes = new Map(paramSpecs(config).map((s) => [s.name, s.shape]));
  for (const name of names) {
    const n = tensors.get(name)!.length;
    header[name] = { dtype: 'F32', shape: shapes.get(name) ?? [n], data_offsets: [offset, offset + n * 4] };
    offset += n * 4;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8); // align the data to 8 bytes
  const hb = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + hb.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, hb.length, true);
  view.setUint32(4, 0, true);
  out.set(hb, 8);
  let o = 8 + hb.length;
  for (const name of names) {
    const t = tensors.get(name)!;
    const dv = new DataView(out.buffer, o, t.length * 4);
    for (let i = 0; i < t.length; i++) dv.setFloat32(i * 4, t[i], true);
    o += t.length * 4;
  }
  return out;
}

function configDiff(a: ModelConfig, b: ModelConfig): string[] {
  return CONFIG_KEYS.filter((k) => a[k] !== b[k]).map((k) => `${k}: checkpoint ${a[k]}, expected ${b[k]}`);
}

/** Parses and checks a checkpoint; `expected` (when given) must match its config exactly. */
export function decodeCheckpoint(bytes: Uint8Array, expected?: ModelConfig): Checkpoint {
  if (bytes.length < 8) throw new CheckpointError(`not a safetensors file: ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (hlen > bytes.length - 8 || hlen > 10_000_000) {
    throw new CheckpointError(
      `header of ${hlen} bytes does not fit in a file of ${bytes.length} bytes (truncated or not safetensors)`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + hlen)));
  } catch (e) {
    throw new CheckpointError(`header is not JSON (${(e as Error).message})`);
  }
  const meta = (header.__metadata__ ?? {}) as Record<string, string>;
  if (!meta.config) throw new CheckpointError('no model config in the metadata');
  let config: ModelConfig;
  try {
    config = JSON.parse(meta.config) as ModelConfig;
    validateConfig(config);
  } catch (e) {
    throw new CheckpointError(`bad model config in the metadata: ${(e as Error).message}`);
  }
  if (expected) {
    const diff = configDiff(config, expected);
    if (diff.length) throw new CheckpointError(`checkpoint is for another model: ${diff.join('; ')}`);
  }
  const dataLen = bytes.length - 8 - hlen;
  const tensors = new Map<string, Float32Array>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const {
      dtype,
      shape,
      data_offsets: off,
    } = info as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (dtype !== 'F32') throw new CheckpointError(`${name}: dtype ${dtype}, only F32 is supported`);
    if (!Array.isArray(off) || off[1] - off[0] !== numel(shape) * 4)
      throw new CheckpointError(`${name}: offsets ${off} do not match shape [${shape}]`);
    if (off[1] > dataLen)
      throw new CheckpointError(
        `${name}: data ends at byte ${off[1]} but the file has ${dataLen} data bytes (truncated)`,
      );
    const dv = new DataView(bytes.buffer, bytes.byteOffset + 8 + hlen + off[0], off[1] - off[0]);
    const t = new Float32Array(numel(shape));
    for (let i = 0; i < t.length; i++) t[i] = dv.getFloat32(i * 4, true);
    tensors.set(name, t);
  }
  for (const spec of paramSpecs(config)) {
    const t = tensors.get(spec.name);
    if (!t) throw new CheckpointError(`missing tensor ${spec.name}`);
    const info = header[spec.name] as { shape: number[] };
    if (info.shape.join('x') !== spec.shape.join('x'))
      throw new CheckpointError(`${spec.name}: shape [${info.shape}], the config needs [${spec.shape}]`);
    for (let i = 0; i < t.length; i++)
      if (!Number.isFinite(t[i])) throw new CheckpointError(`${spec.name}: non-finite value at ${i}`);
  }
  return { config, tensors, metadata: meta };
}

/** Fetches a checkpoint with progress (bytes so far, total or null); a failed fetch says which URL and why. */
export async function fetchCheckpoint(
  url: string,
  onProgress?: (loaded: number, total: number | null) => void,
  expected?: ModelConfig,
): Promise<Checkpoint> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new CheckpointError(`could not fetch ${url}: ${(e as Error).message} (offline or blocked?)`);
  }
  if (!res.ok) throw new CheckpointError(`could not fetch ${url}: HTTP ${res.status} ${res.statusText}`);
  // Dev servers and SPA hosts answer unknown paths with the app's index.html.
  if ((res.headers.get('content-type') ?? '').includes('text/html')) {
    throw new CheckpointError(
      `could not fetch ${url}: the server answered with an HTML page, not a checkpoint (wrong URL?)`,
    );
  }
  const total = Number(res.headers.get('content-length')) || null;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = res.body?.getReader();
  if (!reader) {
    const buf = new Uint8Array(await res.arrayBuffer());
    onProgress?.(buf.length, buf.length);
    return decodeCheckpoint(buf, expected);
  }
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress?.(loaded, total);
  }
  if (total !== null && loaded < total)
    throw new CheckpointError(`download of ${url} stopped at ${loaded} of ${total} bytes`);
  const all = new Uint8Array(loaded);
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  return decodeCheckpoint(all, expected);
}
