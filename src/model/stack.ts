// A stack of pre-LN blocks and its final layer norm, forward and backward: the
// encoder and the decoder are each one, over their own parameters and activations.

import type { Backend, Tensor } from '../backend/backend';
import {
  allocBlockActs,
  allocBlockScratch,
  blockBackward,
  blockForward,
  blockTensors,
  freeAll,
  type BlockActs,
  type BlockDims,
  type BlockScratch,
} from './block';

type Get = (name: string) => Tensor;

export class Stack {
  readonly acts: BlockActs[];
  readonly scratch: BlockScratch;
  /** The final layer norm's output [N, C] and its statistics. */
  readonly lnf: Tensor;
  readonly lnfMean: Tensor;
  readonly lnfRstd: Tensor;
  /** Backward: d lnf (the caller fills it), and d of the stack's input, accumulated through the blocks. */
  readonly dlnf: Tensor;
  readonly dres: Tensor;

  /** `name`: the parameters' prefix ('enc' or 'dec'); sized for N rows and `attSize` attention entries. */
  constructor(
    private readonly be: Backend,
    private readonly name: string,
    readonly layers: number,
    N: number,
    C: number,
    hidden: number,
    attSize: number,
  ) {
    this.acts = Array.from({ length: layers }, () => allocBlockActs(be, N, C, hidden, attSize));
    this.scratch = allocBlockScratch(be, N, C, hidden, attSize);
    this.lnf = be.zeros([N, C]);
    this.lnfMean = be.zeros([N]);
    this.lnfRstd = be.zeros([N]);
    this.dlnf = be.zeros([N, C]);
    this.dres = be.zeros([N, C]);
  }

  /** The blocks over x0, then the final layer norm into this.lnf. */
  forward(p: Get, x0: Tensor, prefix: Tensor, d: BlockDims): Tensor {
    let x = x0;
    for (let l = 0; l < this.layers; l++) {
      blockForward(this.be, blockTensors(p, `${this.name}.h${l}`), this.acts[l], x, prefix, d);
      x = this.acts[l].res2;
    }
    this.be.layerNorm({
      out: this.lnf,
      mean: this.lnfMean,
      rstd: this.lnfRstd,
      x,
      w: p(`${this.name}.lnf.w`),
      b: p(`${this.name}.lnf.b`),
      rows: d.B * d.T,
      C: d.C,
    });
    return this.lnf;
  }

  /** From this.dlnf back to this.dres (d of x0), gradients accumulating through `g`. */
  backward(p: Get, g: Get, x0: Tensor, d: BlockDims): Tensor {
    const be = this.be;
    const N = d.B * d.T;
    const last = this.layers > 0 ? this.acts[this.layers - 1].res2 : x0;
    be.fill(this.dres, 0);
    be.layerNormBackward({
      dx: this.dres,
      dw: g(`${this.name}.lnf.w`),
      db: g(`${this.name}.lnf.b`),
      dout: this.dlnf,
      x: last,
      mean: this.lnfMean,
      rstd: this.lnfRstd,
      w: p(`${this.name}.lnf.w`),
      rows: N,
      C: d.C,
    });
    for (let l = this.layers - 1; l >= 0; l--) {
      const x = l > 0 ? this.acts[l - 1].res2 : x0;
      blockBackward(
        be,
        blockTensors(p, `${this.name}.h${l}`),
        blockTensors(g, `${this.name}.h${l}`),
        this.acts[l],
        x,
        this.dres,
        this.scratch,
        d,
      );
    }
    return this.dres;
  }

  free(): void {
    for (const a of this.acts) freeAll(this.be, a);
    freeAll(this.be, this.scratch);
    for (const t of [this.lnf, this.lnfMean, this.lnfRstd, this.dlnf, this.dres]) this.be.free(t);
  }
}
