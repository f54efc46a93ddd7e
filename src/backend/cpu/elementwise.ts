import type { Arr } from './arrays';

export function addRef(out: Arr, a: Arr, b: Arr, alpha = 1, beta = 1): void {
  const nb = b.length;
  for (let i = 0; i < out.length; i++) out[i] = alpha * a[i] + beta * b[i % nb];
}

export function scaleRef(out: Arr, a: Arr, alpha: number): void {
  for (let i = 0; i < out.length; i++) out[i] = alpha * a[i];
}

const GELU_S = Math.sqrt(2 / Math.PI);

/**
 * GELU, tanh approximation (as GPT-2 and llm.c), written as x * sigmoid(2u) since
 * 0.5 * (1 + tanh(u)) = sigmoid(2u): 1 + tanh(u) cancels to 0 for x below about -7,
 * even in doubles.
 */
function geluGate(v: number): number {
  const u = GELU_S * (v + 0.044715 * v * v * v);
  return 1 / (1 + Math.exp(-2 * u));
}

export function geluRef(out: Arr, x: Arr): void {
  for (let i = 0; i < out.length; i++) out[i] = x[i] * geluGate(x[i]);
}

/** With s = sigmoid(2u): 1 + tanh(u) = 2s and 1 - tanh(u)^2 = 4s(1 - s). */
export function geluBackwardRef(dx: Arr, x: Arr, dout: Arr): void {
  for (let i = 0; i < dx.length; i++) {
    const v = x[i];
    const s = geluGate(v);
    const du = GELU_S * (1 + 3 * 0.044715 * v * v);
    dx[i] += (s + 2 * v * s * (1 - s) * du) * dout[i];
  }
}

/** One IEEE half (16 bits) as a number: sign, 5-bit exponent (bias 15), 10-bit mantissa; subnormals, inf and NaN included. */
function halfBitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** out[i] = half i of packed (two per u32 word, the low 16 bits first). */
export function halfToFloatRef(out: Float32Array, packed: Uint32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = halfBitsToNumber((packed[i >> 1] >>> ((i & 1) * 16)) & 0xffff);
}
