// Compute pipelines keyed by kernel, entry point and pipeline constants. Each
// kernel has one explicit bind-group layout made from its declaration, shared by
// all its entry points, so an entry point may use any subset of the bindings.

import { workgroupConstants, type Kernel } from './kernel';

export type Specialisation = Record<string, number | boolean>;

export class PipelineCache {
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private readonly pipelineLayouts = new Map<string, GPUPipelineLayout>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();

  constructor(private readonly device: GPUDevice) {}

  /** The kernel's bind-group layout: binding 0 the uniforms (if any), then its storage arrays in order. */
  layout(k: Kernel): GPUBindGroupLayout {
    let l = this.layouts.get(k.name);
    if (l) return l;
    const entries: GPUBindGroupLayoutEntry[] = [];
    if (k.uniformOrder.length > 0)
      entries.push({ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
    k.bindingOrder.forEach((name, i) => {
      entries.push({
        binding: i + 1,
        visibility: GPUShaderStage.COMPUTE,
        buffer: { type: k.bindings[name].access === 'read' ? 'read-only-storage' : 'storage' },
      });
    });
    l = this.device.createBindGroupLayout({ entries, label: k.name });
    this.layouts.set(k.name, l);
    return l;
  }

  /** One pipeline layout per kernel, shared by its entry points and specialisations. */
  private pipelineLayout(k: Kernel): GPUPipelineLayout {
    let l = this.pipelineLayouts.get(k.name);
    if (!l) {
      l = this.device.createPipelineLayout({ bindGroupLayouts: [this.layout(k)], label: k.name });
      this.pipelineLayouts.set(k.name, l);
    }
    return l;
  }

  module(k: Kernel): GPUShaderModule {
    let m = this.modules.get(k.name);
    if (!m) {
      m = this.device.createShaderModule({ code: k.code, label: k.name });
      this.modules.set(k.name, m);
    }
    return m;
  }

  get(k: Kernel, entryPoint: string, constants: Specialisation = {}): GPUComputePipeline {
    const all: Record<string, number> = { ...workgroupConstants(k, entryPoint) };
    for (const [name, v] of Object.entries(constants)) all[name] = Number(v);
    const names = Object.keys(all).sort();
    const key = `${k.name}:${entryPoint}:${names.map((n) => `${n}=${all[n]}`).join(',')}`;
    let p = this.pipelines.get(key);
    if (p) return p;
    p = this.device.createComputePipeline({
      layout: this.pipelineLayout(k),
      label: key,
      compute: { module: this.module(k), entryPoint, constants: all },
    });
    this.pipelines.set(key, p);
    return p;
  }

  get size(): number {
    return this.pipelines.size;
  }
}
