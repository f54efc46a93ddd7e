// The tensor-op interface shared by the CPU reference, the WebGPU and the WebAssembly SIMD (wasm) backends.
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

// The ops' parameter types live beside their kernels; the interface re-exports them.
export type { AdamWParams, AttentionShape, MIScoreParams, PolicyLossParams, ReduceOp, SampleParams };

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
  matmul(
    out: Tensor,
    a: Tensor,
    b: Tensor,
    bias: Tensor | null,
    M: number,
    N: number,
    K: number,
    opts?: MatmulOpts,
  ): void;
  /** dbias[n] += sum_m dout[m, n]. */
  biasBackward(dbias: Tensor, dout: Tensor, M: number, N: number): void;

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
  layerNorm(
    out: Tensor,
    mean: Tensor,
    rstd: Tensor,
    x: Tensor,
    w: Tensor,
    b: Tensor,
    rows: number,
    C: number,
    eps?: number,
  ): void;
  layerNormBackward(
    dx: Tensor,
    dw: Tensor,
    db: Tensor,
    dout: Tensor,
    x: Tensor,
    mean: Tensor,
    rstd: Tensor,
    w: Tensor,
    rows: number,
    C: number,
  ): void;

  // --- attention ---
  /**
   * qkv [B, T, 3C] -> out [B, T, C]; att [B, nHead, T, T] keeps the probabilities.
   * Query i sees key j when j < prefix[b] (image and question, both ways) or j <= i.
   */
  attention(out: Tensor, att: Tensor, qkv: Tensor, prefix: Tensor, s: AttentionShape): void;
  /** dpre [B, nHead, T, T] is scratch. */
  attentionBackward(dqkv: Tensor, dpre: Tensor, dout: Tensor, att: Tensor, qkv: Tensor, s: AttentionShape): void;
  /** Writes k, v of qkv [B, T, 3C] into caches [B, Tmax, C] at positions start[b] + t. */
  kvCacheWrite(
    kCache: Tensor,
    vCache: Tensor,
    qkv: Tensor,
    start: Tensor,
    B: number,
    T: number,
    Tmax: number,
    C: number,
  ): void;
  /**
   * One new query per row: qkv [B, 3C] (only q is read); it attends to cache
   * positions [0, len[b]). out [B, C].
   */
  attentionDecode(
    out: Tensor,
    qkv: Tensor,
    kCache: Tensor,
    vCache: Tensor,
    len: Tensor,
    B: number,
    Tmax: number,
    C: number,
    nHead: number,
  ): void;

  // --- embeddings ---
  /** out[n] = table[ids[n]] (+ out when accumulate); ids >= V give a zero row. */
  embedding(out: Tensor, ids: Tensor, table: Tensor, N: number, C: number, accumulate?: boolean): void;
  /** dtable[ids[n]] += dout[n]. */
  embeddingBackward(dtable: Tensor, dout: Tensor, ids: Tensor, N: number, C: number): void;

  // --- log-probabilities and losses ---
  /** out[n] = log softmax(logits[n])[ids[n]]; lse[n] = logsumexp(logits[n]). */
  logSoftmaxGather(out: Tensor, lse: Tensor, logits: Tensor, ids: Tensor, N: number, V: number): void;
  logSoftmaxGatherBackward(
    dlogits: Tensor,
    dout: Tensor,
    logits: Tensor,
    lse: Tensor,
    ids: Tensor,
    N: number,
    V: number,
  ): void;
  /** losses[n] = -log softmax(logits[n])[targets[n]], 0 where targets[n] >= V (IGNORE_INDEX). */
  crossEntropy(losses: Tensor, lse: Tensor, logits: Tensor, targets: Tensor, N: number, V: number): void;
  crossEntropyBackward(
    dlogits: Tensor,
    dlosses: Tensor,
    logits: Tensor,
    lse: Tensor,
    targets: Tensor,
    N: number,
    V: number,
  ): void;

  // --- reductions ---
  /** out[outOffset + r] = op over x[r, 0..cols). */
  reduce(out: Tensor, x: Tensor, rows: number, cols: number, op: ReduceOp, outOffset?: number): void;

  // --- optimiser ---
  /**
   * AdamW with decoupled weight decay. sumsq[0..nSlots) holds the squared L2
   * norms of every gradient of the model (see reduce 'sumsq'); their sum is the
   * global norm used for clipping, computed on the device without a readback.
   */
  adamw(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, sumsq: Tensor, nSlots: number, hp: AdamWParams): void;

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
  miScore(
    mi: Tensor,
    dep: Tensor,
    logits: Tensor,
    ids: Tensor,
    descStart: Tensor,
    descLen: Tensor,
    B: number,
    T: number,
    V: number,
    K: number,
    p?: MIScoreParams,
    real?: Tensor,
  ): void;
  /** The clipped surrogate with k3 KL per token, its weight applied; dlp = d loss / d lpNew. */
  policyLoss(
    loss: Tensor,
    kl: Tensor,
    dlp: Tensor,
    lpNew: Tensor,
    lpOld: Tensor,
    lpRef: Tensor,
    adv: Tensor,
    weight: Tensor,
    n: number,
    p: PolicyLossParams,
  ): void;
  /** out[n] = entropy (nats) of softmax(logits[n]). */
  entropy(out: Tensor, logits: Tensor, N: number, V: number): void;

  // --- sampling ---
  /**
   * outIds[b] ~ softmax(logits[b] / temperature) restricted to the top-p
   * nucleus, drawing u = rngUniform(seed, stream, step, rowIds[b], positions[b]).
   * outLogp[b], when given: log softmax(logits[b]) of the drawn token, before temperature and
   * top-p (the model's own log-probability, as a teacher-forced pass would give it).
   */
  sample(
    outIds: Tensor,
    logits: Tensor,
    rowIds: Tensor,
    positions: Tensor,
    B: number,
    V: number,
    p: SampleParams,
    outLogp?: Tensor,
  ): void;
}

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
