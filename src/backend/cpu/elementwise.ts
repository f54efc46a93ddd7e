import type { Arr } from './arrays';

export function addRef(out: Arr, a: Arr, b: Arr, alpha = 1, beta = 1): void {
  const nb = b.length;
  for (let i = 0; i < out.length; i++) out[i] = alpha * a[i] + beta * b[i % nb];
}

export function scaleRef(out: Arr, a: Arr, alpha: number): void {
  for (let i = 0; i < out.length; i++) out[i] = alpha * a[i];
}

const GELU_S = Math.sqrt(2 / Math.PI);

/** GELU, tanh approximation (as GPT-2 and llm.c). */
export function geluRef(out: Arr, x: Arr): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i];
    out[i] = 0.5 * v * (1 + Math.tanh(GELU_S * (v + 0.044715 * v * v * v)));
  }
}

export function geluBackwardRef(dx: Arr, x: Arr, dout: Arr): void {
  for (let i = 0; i < dx.length; i++) {
    const v = x[i];
    const u = GELU_S * (v + 0.044715 * v * v * v);
    const t = Math.tanh(u);
    const du = GELU_S * (1 + 3 * 0.044715 * v * v);
    const g = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du;
    dx[i] += g * dout[i];
  }
}
