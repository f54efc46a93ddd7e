// Compute pipelines keyed by kernel, entry point and specialisation constants.

export interface KernelSource {
  /** Unique name of the WGSL program. */
  name: string;
  code: string;
}

export type Specialisation = Record<string, number | boolean>;

export class PipelineCache {
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();

  constructor(private readonly device: GPUDevice) {}

  get(src: KernelSource, entryPoint = 'main', constants: Specialisation = {}): GPUComputePipeline {
    const keys = Object.keys(constants).sort();
    const key = `${src.name}:${entryPoint}:${keys.map((k) => `${k}=${Number(constants[k])}`).join(',')}`;
    let p = this.pipelines.get(key);
    if (p) return p;
    let module = this.modules.get(src.name);
    if (!module) {
      module = this.device.createShaderModule({ code: src.code, label: src.name });
      this.modules.set(src.name, module);
    }
    const c: Record<string, number> = {};
    for (const k of keys) c[k] = Number(constants[k]);
    p = this.device.createComputePipeline({
      layout: 'auto',
      label: key,
      compute: { module, entryPoint, constants: c },
    });
    this.pipelines.set(key, p);
    return p;
  }

  get size(): number {
    return this.pipelines.size;
  }
}
