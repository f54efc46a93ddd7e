// Numbers as people read them on charts: three significant digits, signs kept.

/** 3 significant digits; exponent form only for very small or very large magnitudes. */
export function fmtSig(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return v.toExponential(2);
  return Number(v.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** Axis ticks: short, with their sign (a narrow axis used to cut "-0.0008" to "0.0008"). */
export function fmtTick(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-2 || a >= 1e5) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(2)));
}

/** A difference as the Teaching tab writes it: always signed, with a true minus, to `d` decimals. */
export const fmtSigned = (x: number, d = 3) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(d)}`;
