// TinyVLM: a ViT-style patch encoder whose projected outputs are the image
// tokens of a causal pre-LN decoder (prefix-LM mask over image + question).
// Explicit forward and backward per layer on any Backend; activation memory is
// planned per batch shape and reused across steps.

import type { Backend, Tensor } from '../backend/backend';
import { blockDecodeStep, blockTensors, freeAll, type BlockDims, type DecodeActs } from './block';
import { patchDim, patchesPerImage, type ModelConfig } from './config';
import { linear, linearBackward } from './linear';
import type { Params } from './params';
import { Stack } from './stack';

/** Pixels of the images of a batch, as patches [nImg * P, patchDim]. */
export interface EncoderInputs {
  nImg: number;
  patches: Tensor | null;
}

/**
 * Decoder inputs, all u32 [B * T] except prefix [B]. Row t of the input is
 * wte[tokIds] + imageTokens[imgIds] + null_image[nullIds] + wpe[posIds]; ids
 * out of range contribute nothing (so a patch position has tokIds out of range
 * and one of imgIds / nullIds in range).
 */
export interface DecoderInputs {
  B: number;
  T: number;
  tokIds: Tensor;
  imgIds: Tensor;
  nullIds: Tensor;
  posIds: Tensor;
  prefix: Tensor;
}

interface Capacity {
  nImg: number;
  N: number;
  att: number;
}

class Workspace {
  readonly enc: { x0: Tensor; stack: Stack; imgTok: Tensor; dImgTok: Tensor; prefix: Tensor; posIds: Tensor } | null;
  readonly dec: { x0: Tensor; stack: Stack; logits: Tensor; dlogits: Tensor };

  constructor(
    readonly be: Backend,
    readonly cap: Capacity,
    c: ModelConfig,
  ) {
    const P = patchesPerImage(c);
    if (cap.nImg > 0) {
      const N = cap.nImg * P;
      const C = c.encDim;
      const att = cap.nImg * c.encHeads * P * P;
      this.enc = {
        x0: be.zeros([N, C]),
        stack: new Stack(be, 'enc', c.encLayers, N, C, c.mlpRatio * C, att),
        imgTok: be.zeros([N, c.dim]),
        dImgTok: be.zeros([N, c.dim]),
        prefix: be.fromArray([cap.nImg], new Uint32Array(cap.nImg).fill(P)),
        posIds: be.fromArray(
          [N],
          Uint32Array.from({ length: N }, (_, i) => i % P),
        ),
      };
    } else this.enc = null;
    const N = cap.N;
    const C = c.dim;
    this.dec = {
      x0: be.zeros([N, C]),
      stack: new Stack(be, 'dec', c.layers, N, C, c.mlpRatio * C, cap.att),
      logits: be.zeros([N, c.vocabSize]),
      dlogits: be.zeros([N, c.vocabSize]),
    };
  }

  fits(nImg: number, N: number, att: number): boolean {
    return nImg <= this.cap.nImg && N <= this.cap.N && att <= this.cap.att;
  }

  free(): void {
    if (this.enc) {
      const { stack, ...rest } = this.enc;
      stack.free();
      freeAll(this.be, rest);
    }
    const { stack, ...rest } = this.dec;
    stack.free();
    freeAll(this.be, rest);
  }
}

/** Per-layer K and V caches [B, Tmax, dim] plus the one-token activations of decoding. */
export interface KvCache extends DecodeActs {
  B: number;
  Tmax: number;
  k: Tensor[];
  v: Tensor[];
  zeros: Tensor;
  x: Tensor;
  y: Tensor;
  logits: Tensor;
}

export class TinyVLM {
  grads: Map<string, Tensor> | null = null;
  /** Told while sampling (at each readback, which sampling does anyway) how many of its rows have finished; for the page's progress only. */
  onSampled?: (done: number, rows: number) => void;
  private ws: Workspace | null = null;
  private last: { enc: EncoderInputs; dec: DecoderInputs } | null = null;

  constructor(
    readonly be: Backend,
    readonly config: ModelConfig,
    readonly params: Params,
  ) {}

  private p = (name: string) => this.params.get(name);
  private g = (name: string) => {
    if (!this.grads) throw new Error('gradients not allocated');
    const t = this.grads.get(name);
    if (!t) throw new Error(`no gradient ${name}`);
    return t;
  };

  private workspace(nImg: number, B: number, T: number): Workspace {
    const c = this.config;
    const need = { nImg, N: B * T, att: B * c.heads * T * T };
    if (this.ws && this.ws.fits(need.nImg, need.N, need.att) && (nImg === 0 || this.ws.enc)) return this.ws;
    const old = this.ws?.cap;
    this.ws?.free();
    this.ws = new Workspace(
      this.be,
      {
        nImg: Math.max(need.nImg, old?.nImg ?? 0),
        N: Math.max(need.N, old?.N ?? 0),
        att: Math.max(need.att, old?.att ?? 0),
      },
      c,
    );
    return this.ws;
  }

  private encDims(nImg: number): BlockDims {
    const c = this.config;
    return { B: nImg, T: patchesPerImage(c), C: c.encDim, nHead: c.encHeads, hidden: c.mlpRatio * c.encDim };
  }

  private decDims(B: number, T: number): BlockDims {
    const c = this.config;
    return { B, T, C: c.dim, nHead: c.heads, hidden: c.mlpRatio * c.dim };
  }

  /** Full forward over a batch; returns logits [B * T, vocab] (owned by the model, valid until the next call). */
  forward(enc: EncoderInputs, dec: DecoderInputs): Tensor {
    const be = this.be;
    const c = this.config;
    const ws = this.workspace(enc.nImg, dec.B, dec.T);
    const P = patchesPerImage(c);
    let imgTok: Tensor | null = null;
    if (enc.nImg > 0 && enc.patches && ws.enc) {
      const e = ws.enc;
      const N = enc.nImg * P;
      const C = c.encDim;
      const d = this.encDims(enc.nImg);
      // x0 = patches W + b + pos[p]
      be.embedding({ out: e.x0, ids: e.posIds, table: this.p('enc.pos'), N, C });
      linear(be, e.x0, enc.patches, this.p('enc.patch.w'), this.p('enc.patch.b'), N, patchDim(c), C, true);
      const lnf = e.stack.forward(this.p, e.x0, e.prefix, d);
      linear(be, e.imgTok, lnf, this.p('enc.out.w'), this.p('enc.out.b'), N, C, c.dim);
      imgTok = e.imgTok;
    }
    const w = ws.dec;
    const N = dec.B * dec.T;
    const C = c.dim;
    const d = this.decDims(dec.B, dec.T);
    be.embedding({ out: w.x0, ids: dec.tokIds, table: this.p('dec.wte'), N, C });
    if (imgTok) be.embedding({ out: w.x0, ids: dec.imgIds, table: imgTok, N, C, accumulate: true });
    be.embedding({ out: w.x0, ids: dec.nullIds, table: this.p('null_image'), N, C, accumulate: true });
    be.embedding({ out: w.x0, ids: dec.posIds, table: this.p('dec.wpe'), N, C, accumulate: true });
    const lnf = w.stack.forward(this.p, w.x0, dec.prefix, d);
    linear(be, w.logits, lnf, this.p('dec.head.w'), null, N, C, c.vocabSize);
    this.last = { enc, dec };
    return w.logits;
  }

  /** The gradient buffer of the logits of the last forward (zero it, fill it, then call backward). */
  get dlogits(): Tensor {
    if (!this.ws) throw new Error('no forward pass yet');
    return this.ws.dec.dlogits;
  }

  zeroGrads(): void {
    if (!this.grads) this.grads = this.params.zerosLike();
    for (const t of this.grads.values()) this.be.fill(t, 0);
  }

  /** Backward from this.dlogits through the last forward; gradients accumulate into this.grads. */
  backward(): void {
    if (!this.last || !this.ws) throw new Error('backward without a forward pass');
    if (!this.grads) this.zeroGrads();
    const be = this.be;
    const c = this.config;
    const ws = this.ws;
    const { enc, dec } = this.last;
    const w = ws.dec;
    const N = dec.B * dec.T;
    const C = c.dim;
    const d = this.decDims(dec.B, dec.T);
    linearBackward(
      be,
      w.stack.dlnf,
      this.g('dec.head.w'),
      null,
      w.dlogits,
      w.stack.lnf,
      this.p('dec.head.w'),
      N,
      C,
      c.vocabSize,
    );
    const dx = w.stack.backward(this.p, this.g, w.x0, d);
    be.embeddingBackward({ dtable: this.g('dec.wte'), dout: dx, ids: dec.tokIds, N, C });
    be.embeddingBackward({ dtable: this.g('null_image'), dout: dx, ids: dec.nullIds, N, C });
    be.embeddingBackward({ dtable: this.g('dec.wpe'), dout: dx, ids: dec.posIds, N, C });
    if (enc.nImg === 0 || !enc.patches || !ws.enc) return;

    const e = ws.enc;
    const P = patchesPerImage(c);
    const NE = enc.nImg * P;
    const CE = c.encDim;
    const de = this.encDims(enc.nImg);
    be.fill(e.dImgTok, 0);
    be.embeddingBackward({ dtable: e.dImgTok, dout: dx, ids: dec.imgIds, N, C });
    linearBackward(
      be,
      e.stack.dlnf,
      this.g('enc.out.w'),
      this.g('enc.out.b'),
      e.dImgTok,
      e.stack.lnf,
      this.p('enc.out.w'),
      NE,
      CE,
      c.dim,
    );
    const dxe = e.stack.backward(this.p, this.g, e.x0, de);
    be.embeddingBackward({ dtable: this.g('enc.pos'), dout: dxe, ids: e.posIds, N: NE, C: CE });
    be.matmul({
      out: this.g('enc.patch.w'),
      a: enc.patches,
      b: dxe,
      M: patchDim(c),
      N: CE,
      K: NE,
      transA: true,
      accumulate: true,
    });
    be.biasBackward({ dbias: this.g('enc.patch.b'), dout: dxe, M: NE, N: CE });
  }

  allocCache(B: number, Tmax: number): KvCache {
    const be = this.be;
    const c = this.config;
    const C = c.dim;
    const H = c.mlpRatio * C;
    return {
      B,
      Tmax,
      k: Array.from({ length: c.layers }, () => be.zeros([B, Tmax, C])),
      v: Array.from({ length: c.layers }, () => be.zeros([B, Tmax, C])),
      zeros: be.zeros([B], 'u32'),
      x: be.zeros([B, C]),
      y: be.zeros([B, C]),
      ln: be.zeros([B, C]),
      mean: be.zeros([B]),
      rstd: be.zeros([B]),
      qkv: be.zeros([B, 3 * C]),
      attOut: be.zeros([B, C]),
      fc: be.zeros([B, H]),
      gelu: be.zeros([B, H]),
      logits: be.zeros([B, c.vocabSize]),
    };
  }

  freeCache(cache: KvCache): void {
    const { B: _b, Tmax: _t, k, v, ...rest } = cache;
    for (const t of [...k, ...v]) this.be.free(t);
    freeAll(this.be, rest);
  }

  /** After forward() over prompts [B, T]: their keys and values, every layer, into the cache at [0, T). */
  fillCache(cache: KvCache): void {
    if (!this.last || !this.ws) throw new Error('fillCache without a forward pass');
    const { B, T } = this.last.dec;
    if (B !== cache.B || T > cache.Tmax)
      throw new Error(`cache for ${cache.B} rows of ${cache.Tmax}, forward had ${B} of ${T}`);
    for (let l = 0; l < this.config.layers; l++) {
      this.be.kvCacheWrite({
        kCache: cache.k[l],
        vCache: cache.v[l],
        qkv: this.ws.dec.stack.acts[l].qkv,
        start: cache.zeros,
        B,
        T,
        Tmax: cache.Tmax,
        C: this.config.dim,
      });
    }
  }

  /** dst row b gets src row from[b]'s keys and values at positions [0, T), every layer. */
  copyCacheRows(dst: KvCache, src: KvCache, from: readonly number[], T: number): void {
    if (from.length !== dst.B || T > dst.Tmax || T > src.Tmax || from.some((s) => s < 0 || s >= src.B)) {
      throw new Error(
        `copyCacheRows: ${from.length} rows of ${T} into a cache of ${dst.B} x ${dst.Tmax} from ${src.B} x ${src.Tmax}`,
      );
    }
    const C = this.config.dim;
    for (let l = 0; l < this.config.layers; l++) {
      from.forEach((s, b) => {
        this.be.copy(dst.k[l], src.k[l], b * dst.Tmax * C, s * src.Tmax * C, T * C);
        this.be.copy(dst.v[l], src.v[l], b * dst.Tmax * C, s * src.Tmax * C, T * C);
      });
    }
  }

  /**
   * One token per row: ids [B] at positions pos [B] (u32); their keys and
   * values join the cache and each attends to cache positions [0, pos + 1),
   * given as len [B]. Returns logits [B, vocab] (owned by the cache).
   */
  decodeStep(cache: KvCache, ids: Tensor, pos: Tensor, len: Tensor): Tensor {
    const be = this.be;
    const c = this.config;
    const B = cache.B;
    const C = c.dim;
    const H = c.mlpRatio * C;
    be.embedding({ out: cache.x, ids, table: this.p('dec.wte'), N: B, C });
    be.embedding({ out: cache.x, ids: pos, table: this.p('dec.wpe'), N: B, C, accumulate: true });
    let x = cache.x;
    let y = cache.y;
    for (let l = 0; l < c.layers; l++) {
      blockDecodeStep(be, blockTensors(this.p, `dec.h${l}`), cache, x, y, cache.k[l], cache.v[l], pos, len, {
        B,
        Tmax: cache.Tmax,
        C,
        nHead: c.heads,
        hidden: H,
      });
      [x, y] = [y, x];
    }
    be.layerNorm({
      out: cache.ln,
      mean: cache.mean,
      rstd: cache.rstd,
      x,
      w: this.p('dec.lnf.w'),
      b: this.p('dec.lnf.b'),
      rows: B,
      C,
    });
    linear(be, cache.logits, cache.ln, this.p('dec.head.w'), null, B, C, c.vocabSize);
    return cache.logits;
  }

  free(): void {
    this.ws?.free();
    this.ws = null;
    if (this.grads) for (const t of this.grads.values()) this.be.free(t);
    this.grads = null;
  }
}
