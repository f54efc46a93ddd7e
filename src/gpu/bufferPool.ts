// Reuses GPU buffers by size class so that steady-state training allocates nothing.

const MIN_BYTES = 256;

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

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: GPUBufferUsageFlags,
    private readonly label: string,
  ) {}

  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
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
    let idle = 0,
      idleBytes = 0,
      liveBytes = 0;
    for (const list of this.free.values())
      for (const b of list) {
        idle++;
        idleBytes += b.size;
      }
    for (const b of this.live) liveBytes += b.size;
    return { live: this.live.size, liveBytes, idle, idleBytes, created: this.created, reused: this.reused };
  }
}
