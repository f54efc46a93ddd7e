import { LAYERNORM_EPS, type LayerNormArgs, type LayerNormBackwardArgs } from '../backend';
import type { Arr } from './arrays';

export function layerNormRef({ out, mean, rstd, x, w, b, rows, C, eps = LAYERNORM_EPS }: LayerNormArgs<Arr>): void {
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    let m = 0;
    for (let c = 0; c < C; c++) m += x[o + c];
    m /= C;
    let v = 0;
    for (let c = 0; c < C; c++) v += (x[o + c] - m) ** 2;
    v /= C;
    const s = 1 / Math.sqrt(v + eps);
    for (let c = 0; c < C; c++) out[o + c] = (x[o + c] - m) * s * w[c] + b[c];
    mean[r] = m;
    rstd[r] = s;
  }
}

export function layerNormBackwardRef({
  dx,
  dw,
  db,
  dout,
  x,
  mean,
  rstd,
  w,
  rows,
  C,
}: LayerNormBackwardArgs<Arr>): void {
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    const m = mean[r];
    const s = rstd[r];
    let dnormMean = 0;
    let dnormNormMean = 0;
    for (let c = 0; c < C; c++) {
      const norm = (x[o + c] - m) * s;
      const dnorm = w[c] * dout[o + c];
      dnormMean += dnorm;
      dnormNormMean += dnorm * norm;
    }
    dnormMean /= C;
    dnormNormMean /= C;
    for (let c = 0; c < C; c++) {
      const norm = (x[o + c] - m) * s;
      const dnorm = w[c] * dout[o + c];
      dw[c] += norm * dout[o + c];
      db[c] += dout[o + c];
      dx[o + c] += (dnorm - dnormMean - norm * dnormNormMean) * s;
    }
  }
}
