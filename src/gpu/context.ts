// The one place that records and submits GPU work. Dispatches are batched into
// a single compute pass until something needs the queue (a readback, a write,
// a copy), so a training step is a handful of submits, not hundreds.

import { BufferPool } from './bufferPool';
import { PipelineCache, type KernelSource, type Specialisation } from './pipelineCache';
import { packUniforms, type UniformField } from './uniforms';

const UNIFORM_SLOT = 256; // minUniformBufferOffsetAlignment
const UNIFORM_SLOTS = 1024;
const MAX_GROUPS = 65535;

export class DeviceLostError extends Error {
  constructor(readonly info: string) {
    super(`The GPU device was lost (${info}). Re-create the device and restore state from the last checkpoint.`);
    this.name = 'DeviceLostError';
  }
}

export interface DispatchOpts {
  entryPoint?: string;
  constants?: Specialisation;
}

/** [x, y, 1] workgroups covering n items of groupSize each, within the per-dimension limit. */
export function grid1D(n: number, groupSize: number): [number, number, number] {
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
  private readonly dummy: GPUBuffer;
  /** Work counted since the context was made: what a step costs on any GPU, whatever its speed. */
  submits = 0;
  dispatches = 0;
  readbacks = 0;

  constructor(readonly device: GPUDevice) {
    this.pool = new BufferPool(device, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, 'tensor');
    this.staging = new BufferPool(device, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'staging');
    this.pipelines = new PipelineCache(device);
    this.uniformBuffer = device.createBuffer({
      size: this.uniformData.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      label: 'uniform-arena',
    });
    this.dummy = device.createBuffer({ size: 256, usage: GPUBufferUsage.STORAGE, label: 'dummy' });
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

  /** A bindable placeholder for optional inputs (e.g. no bias). */
  get emptyBuffer(): GPUBuffer {
    return this.dummy;
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

  /**
   * Records one dispatch. Binding 0 is the uniform struct (when fields are
   * given), storage buffers follow from binding 1 in order (null skips a binding the
   * entry point does not use).
   */
  dispatch(
    src: KernelSource,
    uniforms: readonly UniformField[] | null,
    buffers: readonly (GPUBuffer | null)[],
    groups: readonly [number, number, number],
    opts: DispatchOpts = {},
  ): void {
    if (groups[0] === 0 || groups[1] === 0 || groups[2] === 0) return;
    if (uniforms && this.uniformCount >= UNIFORM_SLOTS) this.flush();
    const pipeline = this.pipelines.get(src, opts.entryPoint ?? 'main', opts.constants ?? {});
    const entries: GPUBindGroupEntry[] = [];
    if (uniforms) {
      const packed = new Uint8Array(packUniforms(uniforms));
      if (packed.byteLength > UNIFORM_SLOT) throw new Error(`${src.name}: uniform struct over ${UNIFORM_SLOT} bytes`);
      const off = this.uniformCount * UNIFORM_SLOT;
      this.uniformData.set(packed, off);
      this.uniformCount++;
      entries.push({ binding: 0, resource: { buffer: this.uniformBuffer, offset: off, size: packed.byteLength } });
    }
    buffers.forEach((buffer, i) => {
      if (buffer) entries.push({ binding: i + 1, resource: { buffer } });
    });
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
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
      this.device.queue.writeBuffer(this.uniformBuffer, 0, this.uniformData.buffer, 0, this.uniformCount * UNIFORM_SLOT);
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
