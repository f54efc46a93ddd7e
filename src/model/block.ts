// One pre-LN transformer block, forward and backward, llm.c style:
//   res1 = x + proj(attn(LN1(x)));  res2 = res1 + fcproj(gelu(fc(LN2(res1))))

import type { Backend, Tensor } from '../backend/backend';
import { linear, linearBackward } from './linear';

export interface BlockWeights {
  ln1w: Tensor;
  ln1b: Tensor;
  qkvw: Tensor;
  qkvb: Tensor;
  projw: Tensor;
  projb: Tensor;
  ln2w: Tensor;
  ln2b: Tensor;
  fcw: Tensor;
  fcb: Tensor;
  fcprojw: Tensor;
  fcprojb: Tensor;
}

const FIELDS: [keyof BlockWeights, string][] = [
  ['ln1w', 'ln1.w'],
  ['ln1b', 'ln1.b'],
  ['qkvw', 'qkv.w'],
  ['qkvb', 'qkv.b'],
  ['projw', 'proj.w'],
  ['projb', 'proj.b'],
  ['ln2w', 'ln2.w'],
  ['ln2b', 'ln2.b'],
  ['fcw', 'fc.w'],
  ['fcb', 'fc.b'],
  ['fcprojw', 'fcproj.w'],
  ['fcprojb', 'fcproj.b'],
];

/** The block's tensors out of a by-name map (parameters or their gradients). */
export function blockTensors(get: (name: string) => Tensor, prefix: string): BlockWeights {
  const out = {} as BlockWeights;
  for (const [k, n] of FIELDS) out[k] = get(`${prefix}.${n}`);
  return out;
}

export interface BlockDims {
  B: number;
  T: number;
  C: number;
  nHead: number;
  hidden: number;
}

/** What the backward pass needs, kept per block. */
export interface BlockActs {
  ln1: Tensor;
  ln1Mean: Tensor;
  ln1Rstd: Tensor;
  qkv: Tensor;
  att: Tensor;
  attOut: Tensor;
  res1: Tensor;
  ln2: Tensor;
  ln2Mean: Tensor;
  ln2Rstd: Tensor;
  fc: Tensor;
  gelu: Tensor;
  res2: Tensor;
}

/** Scratch shared by the blocks of one stack during backward. */
export interface BlockScratch {
  dln: Tensor;
  dqkv: Tensor;
  dattOut: Tensor;
  dgelu: Tensor;
  dfc: Tensor;
  dpre: Tensor;
}

export function allocBlockActs(be: Backend, N: number, C: number, hidden: number, attSize: number): BlockActs {
  return {
    ln1: be.zeros([N, C]),
    ln1Mean: be.zeros([N]),
    ln1Rstd: be.zeros([N]),
    qkv: be.zeros([N, 3 * C]),
    att: be.zeros([attSize]),
    attOut: be.zeros([N, C]),
    res1: be.zeros([N, C]),
    ln2: be.zeros([N, C]),
    ln2Mean: be.zeros([N]),
    ln2Rstd: be.zeros([N]),
    fc: be.zeros([N, hidden]),
    gelu: be.zeros([N, hidden]),
    res2: be.zeros([N, C]),
  };
}

export function allocBlockScratch(be: Backend, N: number, C: number, hidden: number, attSize: number): BlockScratch {
  return {
    dln: be.zeros([N, C]),
    dqkv: be.zeros([N, 3 * C]),
    dattOut: be.zeros([N, C]),
    dgelu: be.zeros([N, hidden]),
    dfc: be.zeros([N, hidden]),
    dpre: be.zeros([attSize]),
  };
}

export function freeAll(be: Backend, o: object): void {
  for (const t of Object.values(o)) be.free(t as Tensor);
}

/** Forward; the output is a.res2. */
export function blockForward(
  be: Backend,
  w: BlockWeights,
  a: BlockActs,
  x: Tensor,
  prefix: Tensor,
  d: BlockDims,
): void {
  const N = d.B * d.T;
  const C = d.C;
  be.layerNorm({ out: a.ln1, mean: a.ln1Mean, rstd: a.ln1Rstd, x, w: w.ln1w, b: w.ln1b, rows: N, C });
  linear(be, a.qkv, a.ln1, w.qkvw, w.qkvb, N, C, 3 * C);
  be.attention({ out: a.attOut, att: a.att, qkv: a.qkv, prefix, B: d.B, T: d.T, C, nHead: d.nHead });
  be.copy(a.res1, x, 0, 0, N * C);
  linear(be, a.res1, a.attOut, w.projw, w.projb, N, C, C, true);
  be.layerNorm({ out: a.ln2, mean: a.ln2Mean, rstd: a.ln2Rstd, x: a.res1, w: w.ln2w, b: w.ln2b, rows: N, C });
  linear(be, a.fc, a.ln2, w.fcw, w.fcb, N, C, d.hidden);
  be.gelu(a.gelu, a.fc);
  be.copy(a.res2, a.res1, 0, 0, N * C);
  linear(be, a.res2, a.gelu, w.fcprojw, w.fcprojb, N, d.hidden, C, true);
}

/** The one-token activations of decoding, shared by every layer. */
export interface DecodeActs {
  ln: Tensor;
  mean: Tensor;
  rstd: Tensor;
  qkv: Tensor;
  attOut: Tensor;
  fc: Tensor;
  gelu: Tensor;
}

/**
 * The block for one new token per row against its layer's KV cache, y = block(x) (blockForward at T = 1):
 * the token's key and value join the cache at pos [B], and it attends to cache positions [0, len).
 */
export function blockDecodeStep(
  be: Backend,
  w: BlockWeights,
  a: DecodeActs,
  x: Tensor,
  y: Tensor,
  kCache: Tensor,
  vCache: Tensor,
  pos: Tensor,
  len: Tensor,
  d: { B: number; Tmax: number; C: number; nHead: number; hidden: number },
): void {
  const { B, C } = d;
  be.layerNorm({ out: a.ln, mean: a.mean, rstd: a.rstd, x, w: w.ln1w, b: w.ln1b, rows: B, C });
  linear(be, a.qkv, a.ln, w.qkvw, w.qkvb, B, C, 3 * C);
  be.kvCacheWrite({ kCache, vCache, qkv: a.qkv, start: pos, B, T: 1, Tmax: d.Tmax, C });
  be.attentionDecode({ out: a.attOut, qkv: a.qkv, kCache, vCache, len, B, Tmax: d.Tmax, C, nHead: d.nHead });
  be.copy(y, x, 0, 0, B * C);
  linear(be, y, a.attOut, w.projw, w.projb, B, C, C, true);
  be.layerNorm({ out: a.ln, mean: a.mean, rstd: a.rstd, x: y, w: w.ln2w, b: w.ln2b, rows: B, C });
  linear(be, a.fc, a.ln, w.fcw, w.fcb, B, C, d.hidden);
  be.gelu(a.gelu, a.fc);
  linear(be, y, a.gelu, w.fcprojw, w.fcprojb, B, d.hidden, C, true);
}

/**
 * Backward. On entry dres holds dL/d(res2); on exit dL/dx. Parameter
 * gradients accumulate into g.
 */
export function blockBackward(
  be: Backend,
  w: BlockWeights,
  g: BlockWeights,
  a: BlockActs,
  x: Tensor,
  dres: Tensor,
  s: BlockScratch,
  d: BlockDims,
): void {
  const N = d.B * d.T;
  const C = d.C;
  const H = d.hidden;
  linearBackward(be, s.dgelu, g.fcprojw, g.fcprojb, dres, a.gelu, w.fcprojw, N, H, C);
  be.fill(s.dfc, 0);
  be.geluBackward(s.dfc, a.fc, s.dgelu);
  linearBackward(be, s.dln, g.fcw, g.fcb, s.dfc, a.ln2, w.fcw, N, C, H);
  be.layerNormBackward({
    dx: dres,
    dw: g.ln2w,
    db: g.ln2b,
    dout: s.dln,
    x: a.res1,
    mean: a.ln2Mean,
    rstd: a.ln2Rstd,
    w: w.ln2w,
    rows: N,
    C,
  });
  linearBackward(be, s.dattOut, g.projw, g.projb, dres, a.attOut, w.projw, N, C, C);
  be.fill(s.dqkv, 0);
  be.attentionBackward({
    dqkv: s.dqkv,
    dpre: s.dpre,
    dout: s.dattOut,
    att: a.att,
    qkv: a.qkv,
    B: d.B,
    T: d.T,
    C,
    nHead: d.nHead,
  });
  linearBackward(be, s.dln, g.qkvw, g.qkvb, s.dqkv, a.ln1, w.qkvw, N, C, 3 * C);
  be.layerNormBackward({
    dx: dres,
    dw: g.ln1w,
    db: g.ln1b,
    dout: s.dln,
    x,
    mean: a.ln1Mean,
    rstd: a.ln1Rstd,
    w: w.ln1w,
    rows: N,
    C,
  });
}
