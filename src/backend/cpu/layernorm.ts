import type { Arr } from './arrays';

export function layerNormRef(
  out: Arr,
  mean: Arr,
  rstd: Arr,
  x: Arr,
  w: Arr,
  b: Arr,
  rows: number,
  C: number,
  eps = 1e-5,
): void {
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

export function layerNormBackwardRef(
  dx: Arr,
  dw: Arr,
  db: Arr,
  dout: Arr,
  x: Arr,
  mean: Arr,
  rstd: Arr,
  w: Arr,
  rows: number,
  C: number,
): void {
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
