// AdamW over all parameters with clipping by the global gradient norm, which
// stays on the device: per-tensor squared norms -> their sum -> every update.

import type { Backend, Tensor } from '../backend/backend';
import type { Params } from './params';

export interface AdamWConfig {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  maxGradNorm: number;
}

export const DEFAULT_ADAMW: AdamWConfig = {
  lr: 3e-3,
  beta1: 0.9,
  beta2: 0.95,
  eps: 1e-8,
  weightDecay: 0.01,
  maxGradNorm: 1,
};

export class AdamW {
  private readonly m: Map<string, Tensor>;
  private readonly v: Map<string, Tensor>;
  private readonly slots: Tensor;
  private readonly total: Tensor;
  step = 0;

  constructor(
    readonly be: Backend,
    readonly params: Params,
    readonly cfg: AdamWConfig = DEFAULT_ADAMW,
  ) {
    this.m = params.zerosLike();
    this.v = params.zerosLike();
    this.slots = be.zeros([params.specs.length]);
    this.total = be.zeros([1]);
  }

  /** Writes the squared global gradient norm to the device (read it with gradNormSq()). */
  computeNorm(grads: Map<string, Tensor>): void {
    this.params.specs.forEach((s, i) => {
      const g = grads.get(s.name)!;
      this.be.reduce({ out: this.slots, x: g, rows: 1, cols: g.size, op: 'sumsq', outOffset: i });
    });
    this.be.reduce({ out: this.total, x: this.slots, rows: 1, cols: this.params.specs.length, op: 'sum' });
  }

  async gradNormSq(): Promise<number> {
    return (await this.be.read(this.total))[0];
  }

  /** One update; computeNorm must have run on these gradients. */
  update(grads: Map<string, Tensor>, lr = this.cfg.lr): void {
    this.step++;
    for (const s of this.params.specs) {
      this.be.adamw({
        param: this.params.get(s.name),
        grad: grads.get(s.name)!,
        m: this.m.get(s.name)!,
        v: this.v.get(s.name)!,
        sumsq: this.total,
        nSlots: 1,
        hp: {
          lr,
          beta1: this.cfg.beta1,
          beta2: this.cfg.beta2,
          eps: this.cfg.eps,
          weightDecay: s.decay ? this.cfg.weightDecay : 0,
          step: this.step,
          maxGradNorm: this.cfg.maxGradNorm,
        },
      });
    }
  }

  /** The moments, as extra checkpoint tensors (opt.m.<name>, opt.v.<name>), for resuming. */
  async toHost(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const s of this.params.specs) {
      out.set(`opt.m.${s.name}`, await this.be.read(this.m.get(s.name)!));
      out.set(`opt.v.${s.name}`, await this.be.read(this.v.get(s.name)!));
    }
    return out;
  }

  restore(tensors: Map<string, Float32Array>, step: number): void {
    for (const s of this.params.specs) {
      const m = tensors.get(`opt.m.${s.name}`);
      const v = tensors.get(`opt.v.${s.name}`);
      if (m) this.be.write(this.m.get(s.name)!, m);
      if (v) this.be.write(this.v.get(s.name)!, v);
    }
    this.step = step;
  }

  free(): void {
    for (const t of [...this.m.values(), ...this.v.values(), this.slots, this.total]) this.be.free(t);
  }
}
