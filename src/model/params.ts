// TinyVLM's parameters: a fixed, ordered list of named tensors (the checkpoint
// names), with their shapes, initialisation and whether weight decay applies.

import { numel, type Backend, type Tensor } from '../backend/backend';
import { CounterRng, Streams } from '../lib/rng';
import { patchDim, patchesPerImage, type ModelConfig } from './config';

export interface ParamSpec {
  name: string;
  shape: number[];
  /** 'zeros' | 'ones' | normal with this std. */
  init: 'zeros' | 'ones' | number;
  decay: boolean;
}

function blockSpecs(prefix: string, C: number, hidden: number, nLayers: number, nBlocks: number): ParamSpec[] {
  const std = 0.02;
  const projStd = 0.02 / Math.sqrt(2 * nBlocks); // GPT-2's scaled init of residual projections
  const out: ParamSpec[] = [];
  for (let l = 0; l < nLayers; l++) {
    const p = `${prefix}.h${l}`;
    out.push(
      { name: `${p}.ln1.w`, shape: [C], init: 'ones', decay: false },
      { name: `${p}.ln1.b`, shape: [C], init: 'zeros', decay: false },
      { name: `${p}.qkv.w`, shape: [C, 3 * C], init: std, decay: true },
      { name: `${p}.qkv.b`, shape: [3 * C], init: 'zeros', decay: false },
      { name: `${p}.proj.w`, shape: [C, C], init: projStd, decay: true },
      { name: `${p}.proj.b`, shape: [C], init: 'zeros', decay: false },
      { name: `${p}.ln2.w`, shape: [C], init: 'ones', decay: false },
      { name: `${p}.ln2.b`, shape: [C], init: 'zeros', decay: false },
      { name: `${p}.fc.w`, shape: [C, hidden], init: std, decay: true },
      { name: `${p}.fc.b`, shape: [hidden], init: 'zeros', decay: false },
      { name: `${p}.fcproj.w`, shape: [hidden, C], init: projStd, decay: true },
      { name: `${p}.fcproj.b`, shape: [C], init: 'zeros', decay: false },
    );
  }
  return out;
}

export function paramSpecs(c: ModelConfig): ParamSpec[] {
  const P = patchesPerImage(c);
  return [
    { name: 'enc.patch.w', shape: [patchDim(c), c.encDim], init: 0.02, decay: true },
    { name: 'enc.patch.b', shape: [c.encDim], init: 'zeros', decay: false },
    { name: 'enc.pos', shape: [P, c.encDim], init: 0.02, decay: false },
    ...blockSpecs('enc', c.encDim, c.mlpRatio * c.encDim, c.encLayers, c.encLayers + c.layers),
    { name: 'enc.lnf.w', shape: [c.encDim], init: 'ones', decay: false },
    { name: 'enc.lnf.b', shape: [c.encDim], init: 'zeros', decay: false },
    { name: 'enc.out.w', shape: [c.encDim, c.dim], init: 0.02, decay: true },
    { name: 'enc.out.b', shape: [c.dim], init: 'zeros', decay: false },
    { name: 'null_image', shape: [P, c.dim], init: 0.02, decay: false },
    { name: 'dec.wte', shape: [c.vocabSize, c.dim], init: 0.02, decay: false },
    { name: 'dec.wpe', shape: [c.maxSeq, c.dim], init: 0.01, decay: false },
    ...blockSpecs('dec', c.dim, c.mlpRatio * c.dim, c.layers, c.encLayers + c.layers),
    { name: 'dec.lnf.w', shape: [c.dim], init: 'ones', decay: false },
    { name: 'dec.lnf.b', shape: [c.dim], init: 'zeros', decay: false },
    { name: 'dec.head.w', shape: [c.dim, c.vocabSize], init: 0.02, decay: true },
  ];
}

export function countParams(c: ModelConfig): number {
  return paramSpecs(c).reduce((s, p) => s + numel(p.shape), 0);
}

/** Host-side initial values, a function of the seed. */
export function initParamData(c: ModelConfig, seed: number): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  paramSpecs(c).forEach((spec, i) => {
    const n = numel(spec.shape);
    const d = new Float32Array(n);
    if (spec.init === 'ones') d.fill(1);
    else if (typeof spec.init === 'number') {
      const rng = new CounterRng(seed, Streams.init, 0, i);
      for (let k = 0; k < n; k++) d[k] = rng.normal() * spec.init;
    }
    out.set(spec.name, d);
  });
  return out;
}

/** The parameters on a backend, by name, in spec order. */
export class Params {
  readonly specs: ParamSpec[];
  readonly tensors = new Map<string, Tensor>();
  constructor(
    readonly config: ModelConfig,
    readonly be: Backend,
    data: Map<string, Float32Array>,
  ) {
    this.specs = paramSpecs(config);
    for (const s of this.specs) {
      const d = data.get(s.name);
      if (!d) throw new Error(`missing parameter ${s.name}`);
      if (d.length !== numel(s.shape))
        throw new Error(`parameter ${s.name}: ${d.length} values for shape [${s.shape}]`);
      this.tensors.set(s.name, be.fromArray(s.shape, d));
    }
  }
  get(name: string): Tensor {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`no parameter ${name}`);
    return t;
  }
  async toHost(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const s of this.specs) out.set(s.name, await this.be.read(this.get(s.name)));
    return out;
  }
  /** Zero-initialised tensors of the same shapes (gradients, optimiser moments). */
  zerosLike(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const s of this.specs) out.set(s.name, this.be.zeros(s.shape));
    return out;
  }
  free(): void {
    for (const t of this.tensors.values()) this.be.free(t);
  }
}
