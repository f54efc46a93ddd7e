// The tensor-op interface of the three backends: the CPU reference (cpu/), WebGPU (webgpu/) and
// WebAssembly SIMD (wasm/, the reference with its hot ops in wasm/kernels.ts).
// An op of more than a few parameters takes one named object, its <Op>Args, declared here once.
// llm.c style: every op writes into tensors the caller allocated (so activation
// memory can be planned once), shapes are passed explicitly, and every backward
// op ACCUMULATES (+=) into its gradient outputs; callers zero gradients.
// An output never aliases an input of the same call (WebGPU forbids binding one
// buffer as read-only and writable storage in a dispatch).

import type { AdamWParams } from '../gpu/kernels/adamw';
import type { AttentionShape } from '../gpu/kernels/attention';
import type { ReduceOp } from '../gpu/kernels/reduce';
import type { MIScoreParams, PolicyLossParams } from '../gpu/kernels/rl';
import type { SampleParams } from '../gpu/kernels/sample';

// The hyperparameter types live beside their kernels; the interface re-exports the ones used above it.
export type { AttentionShape, MIScoreParams };

export type DType = 'f32' | 'u32';

/** Elements of a shape. */
export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export interface Tensor {
  readonly shape: readonly number[];
  readonly size: number;
  readonly dtype: DType;
}

export interface MatmulOpts {
  /** A is stored [K, M] instead of [M, K]. */
  transA?: boolean;
  /** B is stored [N, K] instead of [K, N]. */
  transB?: boolean;
  batch?: number;
  /** Element strides between batches; 0 broadcasts that operand. */
  strideA?: number;
  strideB?: number;
  strideC?: number;
  /** out = alpha * A B (+ bias) (+ out when accumulate). */
  alpha?: number;
  accumulate?: boolean;
}

// The ops' arguments, one named object per op. T is what a tensor is where the op runs:
// a Tensor at this interface, an array in the CPU reference (cpu/*.ts).

export interface MatmulArgs<T = Tensor> extends MatmulOpts {
  out: T;
  a: T;
  b: T;
  /** Added to every row; null or absent: none. */
  bias?: T | null;
  M: number;
  N: number;
  K: number;
}

export interface BiasBackwardArgs<T = Tensor> {
  dbias: T;
  dout: T;
  M: number;
  N: number;
}

/** The default epsilon of layerNorm. */
export const LAYERNORM_EPS = 1e-5;

export interface LayerNormArgs<T = Tensor> {
  out: T;
  mean: T;
  rstd: T;
  x: T;
  w: T;
  b: T;
  rows: number;
  C: number;
  /** LAYERNORM_EPS when absent. */
  eps?: number;
}

export interface LayerNormBackwardArgs<T = Tensor> {
  dx: T;
  dw: T;
  db: T;
  dout: T;
  x: T;
  mean: T;
  rstd: T;
  w: T;
  rows: number;
  C: number;
}

export interface AttentionArgs<T = Tensor> extends AttentionShape {
  out: T;
  att: T;
  qkv: T;
  prefix: T;
}

export interface AttentionBackwardArgs<T = Tensor> extends AttentionShape {
  dqkv: T;
  /** Scratch [B, nHead, T, T] (the CPU reference does without). */
  dpre: T;
  dout: T;
  att: T;
  qkv: T;
}

export interface KvCacheWriteArgs<T = Tensor> {
  kCache: T;
  vCache: T;
  qkv: T;
  start: T;
  B: number;
  T: number;
  Tmax: number;
  C: number;
}

export interface AttentionDecodeArgs<T = Tensor> {
  out: T;
  qkv: T;
  kCache: T;
  vCache: T;
  len: T;
  B: number;
  Tmax: number;
  C: number;
  nHead: number;
}

export interface EmbeddingArgs<T = Tensor> {
  out: T;
  ids: T;
  table: T;
  N: number;
  C: number;
  accumulate?: boolean;
}

export interface EmbeddingBackwardArgs<T = Tensor> {
  dtable: T;
  dout: T;
  ids: T;
  N: number;
  C: number;
}

/** logSoftmaxGather: out = log-probabilities of ids; crossEntropy: out = losses, ids = targets. */
export interface LogSoftmaxArgs<T = Tensor> {
  out: T;
  lse: T;
  logits: T;
  ids: T;
  N: number;
  V: number;
}

export interface LogSoftmaxBackwardArgs<T = Tensor> {
  dlogits: T;
  dout: T;
  logits: T;
  lse: T;
  ids: T;
  N: number;
  V: number;
}

export interface ReduceArgs<T = Tensor> {
  out: T;
  x: T;
  rows: number;
  cols: number;
  op: ReduceOp;
  /** 0 when absent. */
  outOffset?: number;
}

export interface AdamWArgs<T = Tensor> {
  param: T;
  grad: T;
  m: T;
  v: T;
  sumsq: T;
  nSlots: number;
  hp: AdamWParams;
}

/** miScore's default: the per-token mean, no clip. */
export const MI_MEAN: MIScoreParams = { sum: false, clip: 0 };

export interface MiScoreArgs<T = Tensor> {
  mi: T;
  dep: T;
  logits: T;
  ids: T;
  descStart: T;
  descLen: T;
  B: number;
  T: number;
  V: number;
  K: number;
  /** MI_MEAN when absent. */
  p?: MIScoreParams;
  real?: T;
}

export interface PolicyLossArgs<T = Tensor> {
  loss: T;
  kl: T;
  dlp: T;
  lpNew: T;
  lpOld: T;
  lpRef: T;
  adv: T;
  weight: T;
  n: number;
  p: PolicyLossParams;
}

export interface EntropyArgs<T = Tensor> {
  out: T;
  logits: T;
  N: number;
  V: number;
}

export interface SampleArgs<T = Tensor> {
  outIds: T;
  logits: T;
  rowIds: T;
  positions: T;
  B: number;
  V: number;
  p: SampleParams;
  outLogp?: T;
}

/** Target id meaning "no loss here" for cross-entropy. */
export const IGNORE_INDEX = 0xffffffff;

export interface Backend {
  readonly kind: 'cpu' | 'wasm' | 'webgpu';

  // --- memory ---
  zeros(shape: readonly number[], dtype?: DType): Tensor;
  fromArray(shape: readonly number[], data: Float32Array | Uint32Array): Tensor;
  write(t: Tensor, data: Float32Array | Uint32Array, offsetElems?: number): void;
  fill(t: Tensor, value: number): void;
  /** Copy count elements of src from srcOffset into dst at dstOffset (default: all of src to the start of dst). */
  copy(dst: Tensor, src: Tensor, dstOffset?: number, srcOffset?: number, count?: number): void;
  read(t: Tensor): Promise<Float32Array>;
  readU32(t: Tensor): Promise<Uint32Array>;
  free(t: Tensor): void;
  /** Resolves when all queued work is done. */
  sync(): Promise<void>;

  // --- linear algebra ---
  /** out[b] = alpha * op(A[b]) op(B[b]) + bias (broadcast over rows) (+ out). */
  matmul(a: MatmulArgs): void;
  /** dbias[n] += sum_m dout[m, n]. */
  biasBackward(a: BiasBackwardArgs): void;

  // --- elementwise ---
  /** out[i] = alpha * a[i] + beta * b[i mod b.size]. */
  add(out: Tensor, a: Tensor, b: Tensor, alpha?: number, beta?: number): void;
  /** out[i] = alpha * a[i]. */
  scale(out: Tensor, a: Tensor, alpha: number): void;
  gelu(out: Tensor, x: Tensor): void;
  geluBackward(dx: Tensor, x: Tensor, dout: Tensor): void;
  /** out [n] f32 = the IEEE halves packed two per word in `packed` (u32, low half first): fp16 logits of another runtime widened. */
  halfToFloat(out: Tensor, packed: Tensor, n: number): void;

  // --- normalisation ---
  layerNorm(a: LayerNormArgs): void;
  layerNormBackward(a: LayerNormBackwardArgs): void;

  // --- attention ---
  /**
   * qkv [B, T, 3C] -> out [B, T, C]; att [B, nHead, T, T] keeps the probabilities.
   * Query i sees key j when j < prefix[b] (image and question, both ways) or j <= i.
   */
  attention(a: AttentionArgs): void;
  attentionBackward(a: AttentionBackwardArgs): void;
  /** Writes k, v of qkv [B, T, 3C] into caches [B, Tmax, C] at positions start[b] + t. */
  kvCacheWrite(a: KvCacheWriteArgs): void;
  /**
   * One new query per row: qkv [B, 3C] (only q is read); it attends to cache
   * positions [0, len[b]). out [B, C].
   */
  attentionDecode(a: AttentionDecodeArgs): void;

  // --- embeddings ---
  /** out[n] = table[ids[n]] (+ out when accumulate); ids >= V give a zero row. */
  embedding(a: EmbeddingArgs): void;
  /** dtable[ids[n]] += dout[n]. */
  embeddingBackward(a: EmbeddingBackwardArgs): void;

  // --- log-probabilities and losses ---
  /** out[n] = log softmax(logits[n])[ids[n]]; lse[n] = logsumexp(logits[n]). */
  logSoftmaxGather(a: LogSoftmaxArgs): void;
  logSoftmaxGatherBackward(a: LogSoftmaxBackwardArgs): void;
  /** out[n] = -log softmax(logits[n])[ids[n]], 0 where ids[n] >= V (IGNORE_INDEX). */
  crossEntropy(a: LogSoftmaxArgs): void;
  crossEntropyBackward(a: LogSoftmaxBackwardArgs): void;

  // --- reductions ---
  /** out[outOffset + r] = op over x[r, 0..cols). */
  reduce(a: ReduceArgs): void;

  // --- optimiser ---
  /**
   * AdamW with decoupled weight decay. sumsq[0..nSlots) holds the squared L2
   * norms of every gradient of the model (see reduce 'sumsq'); their sum is the
   * global norm used for clipping, computed on the device without a readback.
   */
  adamw(a: AdamWArgs): void;

  // --- RL ---
  /**
   * MI of descriptions from teacher-forced logits of (1 + K) passes stacked in
   * logits [(1 + K) * B * T, V] (real image first, then K alternatives);
   * positions [descStart[b], descStart[b] + descLen[b]) score ids[b * T + t].
   * mi [B] aggregated as `p` says (default: per-token mean, no clip);
   * dep [B * T] per-token log p(real) - mean log p(alt) (0 off the description).
   * With `real` [B * T] (the real pass's log p of each scored token, e.g. recorded by the
   * sampler as it drew them), logits holds only the K alternatives [K * B * T, V].
   */
  miScore(a: MiScoreArgs): void;
  /** The clipped surrogate with k3 KL per token, its weight applied; dlp = d loss / d lpNew. */
  policyLoss(a: PolicyLossArgs): void;
  /** out[n] = entropy (nats) of softmax(logits[n]). */
  entropy(a: EntropyArgs): void;

  // --- sampling ---
  /**
   * outIds[b] ~ softmax(logits[b] / temperature) restricted to the top-p
   * nucleus, drawing u = rngUniform(seed, stream, step, rowIds[b], positions[b]).
   * outLogp[b], when given: log softmax(logits[b]) of the drawn token, before temperature and
   * top-p (the model's own log-probability, as a teacher-forced pass would give it).
   */
  sample(a: SampleArgs): void;
}

/** What a tensor field of an op's arguments becomes when `onTensors` swaps it. */
type Swapped<V, T> = V extends Tensor ? T : V;

/**
 * An op's arguments with every tensor swapped for what a backend computes on (the CPU
 * reference's array, a kernel's buffer), in one line instead of the parameter list written again.
 */
export function onTensors<A extends object, T>(args: A, f: (t: Tensor) => T): { [K in keyof A]: Swapped<A[K], T> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) out[k] = isTensor(v) ? f(v) : v;
  return out as { [K in keyof A]: Swapped<A[K], T> };
}

const isTensor = (v: unknown): v is Tensor =>
  typeof v === 'object' && v !== null && 'dtype' in v && 'shape' in v && 'size' in v;

export function checkSize(name: string, t: Tensor, expected: number): void {
  if (t.size < expected) {
    throw new Error(`${name}: tensor of ${t.size} elements, needs ${expected}`);
  }
}

/**
 * The temporaries of one computation, freed together: `const s = new TensorScope(be)`, then
 * `s.keep(be.zeros(...))` for each, and one `s.free()` at the end instead of a hand-kept list.
 */
export class TensorScope {
  private readonly release: (() => void)[] = [];
  constructor(private readonly be: Backend) {}

  /** Holds a tensor until free(). */
  keep<T extends Tensor>(t: T): T {
    this.release.push(() => this.be.free(t));
    return t;
  }

  /** Holds something that frees itself (an uploaded batch) until free(). */
  defer<T extends { free(): void }>(x: T): T {
    this.release.push(() => x.free());
    return x;
  }

  free(): void {
    for (const r of this.release.splice(0)) r();
  }
}
