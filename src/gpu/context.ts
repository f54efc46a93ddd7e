// The one place that records and submits GPU work. Dispatches are batched into
// a single compute pass until something needs the queue (a readback, a write,
// a copy), so a training step is a handful of submits, not hundreds.

import { BufferPool } from './bufferPool';
import { workgroupThreads, type Kernel } from './kernel';
import { PipelineCache, type Specialisation } from './pipelineCache';
import { packUniforms } from './uniforms';

const UNIFORM_SLOT = 256; // minUniformBufferOffsetAlignment
const UNIFORM_SLOTS = 1024;
const MAX_GROUPS = 65535;

class DeviceLostError extends Error {
  constructor(readonly info: string) {
    super(`The GPU device was lost (${info}). Re-create the device and restore state from the last checkpoint.`);
    this.name = 'DeviceLostError';
  }
}

/** One dispatch's named values: every uniform field, the storage arrays the entry point uses, and its size. */
export interface RunArgs<U extends string, B extends string> {
  uniforms: Readonly<Record<U, number>>;
  /** Bindings left out get a placeholder (the entry point must not use them). */
  buffers: Readonly<Partial<Record<B, GPUBuffer>>>;
  /** The grid: threads of a 1-D entry point, workgroups one after another, or the grid itself. */
  size: { threads: number } | { workgroups: number } | { grid: readonly [number, number, number] };
  constants?: Specialisation;
}

/** [x, y, 1] workgroups covering n items of groupSize each, within the per-dimension limit. */
function grid1D(n: number, groupSize: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(n / groupSize));
  const x = Math.min(groups, MAX_GROUPS);
  return [x, Math.ceil(groups / x), 1];
}

export class GpuContext {
  readonly pool: BufferPool;
  readonly staging: BufferPool;
  readonly pipelines: PipelineCache;
  /** Validation errors and the like, for tests and the UI to report. */
  readonly errors: string[] = [];
  lostReason: string | null = null;
  private readonly lostListeners: ((reason: string) => void)[] = [];

  private readonly uniformBuffer: GPUBuffer;
  private readonly uniformData = new Uint8Array(UNIFORM_SLOT * UNIFORM_SLOTS);
  private uniformCount = 0;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly dummies: GPUBuffer[] = [];
  /** Work counted since the context was made: what a step costs on any GPU, whatever its speed. */
  submits = 0;
  dispatches = 0;
  readbacks = 0;

  constructor(readonly device: GPUDevice) {
    this.pool = new BufferPool(
      device,
      GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      'tensor',
    );
    this.staging = new BufferPool(device, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'staging');
    this.pipelines = new PipelineCache(device);
    this.uniformBuffer = device.createBuffer({
      size: this.uniformData.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      label: 'uniform-arena',
    });
    device.addEventListener('uncapturederror', (ev) => {
      const msg = (ev as GPUUncapturedErrorEvent).error.message;
      this.errors.push(msg);
      console.error('WebGPU error:', msg);
    });
    void device.lost.then((info) => {
      this.lostReason = `${info.reason}: ${info.message}`;
      for (const l of this.lostListeners) l(this.lostReason);
    });
  }

  /** Called once if the device is lost; the caller re-creates its state on a new device. */
  onLost(listener: (reason: string) => void): void {
    if (this.lostReason !== null) listener(this.lostReason);
    else this.lostListeners.push(listener);
  }

  private checkAlive(): void {
    if (this.lostReason !== null) throw new DeviceLostError(this.lostReason);
  }

  /** A placeholder for binding i that an entry point does not use; one per binding, so no two alias. */
  private placeholder(i: number): GPUBuffer {
    while (this.dummies.length <= i) {
      this.dummies.push(
        this.device.createBuffer({
          size: 256,
          usage: GPUBufferUsage.STORAGE,
          label: `unused-binding-${this.dummies.length + 1}`,
        }),
      );
    }
    return this.dummies[i];
  }

  private currentEncoder(): GPUCommandEncoder {
    this.checkAlive();
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    return this.encoder;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  /** Records one dispatch of a declared kernel's entry point. */
  run<U extends string, B extends string, E extends string>(k: Kernel<U, B, E>, entry: E, a: RunArgs<U, B>): void {
    const groups =
      'grid' in a.size
        ? a.size.grid
        : 'threads' in a.size
          ? grid1D(a.size.threads, workgroupThreads(k, entry))
          : grid1D(a.size.workgroups, 1);
    if (groups[0] === 0 || groups[1] === 0 || groups[2] === 0) return;
    for (const name of Object.keys(a.buffers)) {
      if (!(name in k.bindings)) throw new Error(`${k.name}: no binding named '${name}'`);
    }
    const hasUniforms = k.uniformOrder.length > 0;
    if (hasUniforms && this.uniformCount >= UNIFORM_SLOTS) this.flush();
    const pipeline = this.pipelines.get(k, entry, a.constants ?? {});
    const entries: GPUBindGroupEntry[] = [];
    if (hasUniforms) {
      const packed = new Uint8Array(
        packUniforms(
          k.uniformOrder.map((f) => k.uniforms[f]),
          k.uniformOrder.map((f) => a.uniforms[f]),
        ),
      );
      if (packed.byteLength > UNIFORM_SLOT) throw new Error(`${k.name}: uniform struct over ${UNIFORM_SLOT} bytes`);
      const off = this.uniformCount * UNIFORM_SLOT;
      this.uniformData.set(packed, off);
      this.uniformCount++;
      entries.push({ binding: 0, resource: { buffer: this.uniformBuffer, offset: off, size: packed.byteLength } });
    }
    k.bindingOrder.forEach((name, i) => {
      entries.push({ binding: i + 1, resource: { buffer: a.buffers[name] ?? this.placeholder(i) } });
    });
    const bindGroup = this.device.createBindGroup({ layout: this.pipelines.layout(k), entries });
    const enc = this.currentEncoder();
    if (!this.pass) this.pass = enc.beginComputePass();
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup);
    this.pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    this.dispatches++;
  }

  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    const enc = this.currentEncoder();
    this.endPass();
    enc.copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  clear(buf: GPUBuffer, offset: number, bytes: number): void {
    const enc = this.currentEncoder();
    this.endPass();
    enc.clearBuffer(buf, offset, bytes);
  }

  /** Writes host data in program order (recorded work is submitted first). */
  write(buf: GPUBuffer, offset: number, data: ArrayBufferView): void {
    this.flush();
    this.checkAlive();
    this.device.queue.writeBuffer(buf, offset, data.buffer, data.byteOffset, data.byteLength);
  }

  /** Submits everything recorded so far. */
  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    if (this.uniformCount > 0) {
      this.device.queue.writeBuffer(
        this.uniformBuffer,
        0,
        this.uniformData.buffer,
        0,
        this.uniformCount * UNIFORM_SLOT,
      );
      this.uniformCount = 0;
    }
    const cmd = this.encoder.finish();
    this.encoder = null;
    this.device.queue.submit([cmd]);
    this.submits++;
  }

  /** Reads bytes back without blocking the page (mapAsync on a pooled staging buffer). */
  async read(buf: GPUBuffer, offset: number, bytes: number): Promise<ArrayBuffer> {
    const stage = this.staging.acquire(bytes);
    this.readbacks++;
    this.copy(buf, offset, stage, 0, Math.ceil(bytes / 4) * 4);
    this.flush();
    try {
      await stage.mapAsync(GPUMapMode.READ, 0, Math.ceil(bytes / 4) * 4);
    } catch (e) {
      this.checkAlive();
      throw e;
    }
    const out = stage.getMappedRange(0, Math.ceil(bytes / 4) * 4).slice(0, bytes);
    stage.unmap();
    this.staging.release(stage);
    return out;
  }

  /** Resolves when all submitted work has finished. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.checkAlive();
  }
}
