// Reuses GPU buffers by size class so that steady-state training allocates nothing.

const MIN_BYTES = 256;
/** GPUBufferUsage.STORAGE (the spec's value), spelled out so that the pool also loads where WebGPU's globals do not exist (Node tests). */
const STORAGE = 0x80;

/** Size classes: four per octave (1, 1.25, 1.5, 1.75 x 2^k), at most 25% waste. */
export function sizeClass(bytes: number): number {
  const b = Math.max(MIN_BYTES, Math.ceil(bytes));
  const octave = 2 ** Math.floor(Math.log2(b));
  for (const f of [1, 1.25, 1.5, 1.75, 2]) {
    const c = Math.ceil((octave * f) / MIN_BYTES) * MIN_BYTES;
    if (c >= b) return c;
  }
  return octave * 2;
}

export interface PoolStats {
  live: number;
  liveBytes: number;
  idle: number;
  idleBytes: number;
  created: number;
  reused: number;
}

export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly live = new Set<GPUBuffer>();
  private created = 0;
  private reused = 0;
  /** The largest buffer this pool may create: a storage buffer must also fit one binding. */
  private readonly limit: number;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: GPUBufferUsageFlags,
    private readonly label: string,
  ) {
    const lim = device.limits;
    this.limit = usage & STORAGE ? Math.min(lim.maxBufferSize, lim.maxStorageBufferBindingSize) : lim.maxBufferSize;
  }

  acquire(bytes: number): GPUBuffer {
    // WebGPU would only raise an uncaptured validation error and hand back an unusable buffer: say what to change instead
    const limit = this.limit;
    if (bytes > limit) {
      const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
      throw new Error(
        `this batch needs a GPU buffer of ${mb(bytes)}, over this GPU's limit of ${mb(limit)}: lower the prompts per step, the samples per prompt or the lengths`,
      );
    }
    // the size class may round past the limit: a buffer of exactly the limit then serves
    const size = Math.min(sizeClass(bytes), limit - (limit % 4));
    const list = this.free.get(String(size));
    let buf = list?.pop();
    if (buf) this.reused++;
    else {
      buf = this.device.createBuffer({ size, usage: this.usage, label: `${this.label}/${size}` });
      this.created++;
    }
    this.live.add(buf);
    return buf;
  }

  /** Returns a buffer for reuse. Safe while GPU work using it is queued: later work is ordered after it. */
  release(buf: GPUBuffer): void {
    if (!this.live.delete(buf)) return;
    const key = String(buf.size);
    const list = this.free.get(key) ?? [];
    list.push(buf);
    this.free.set(key, list);
  }

  /** Destroys idle buffers (after a run, to give memory back). */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
  }

  stats(): PoolStats {
    let idle = 0;
    let idleBytes = 0;
    let liveBytes = 0;
    for (const list of this.free.values())
      for (const b of list) {
        idle++;
        idleBytes += b.size;
      }
    for (const b of this.live) liveBytes += b.size;
    return { live: this.live.size, liveBytes, idle, idleBytes, created: this.created, reused: this.reused };
  }
}
