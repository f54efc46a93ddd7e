// FNV-1a, 32-bit: a cheap fingerprint of bytes (which checkpoint a snapshot
// began from; whether stored bytes came back whole). Not a cryptographic hash.

export const FNV_START = 0x811c9dc5;

/** Folds `bytes` into the running hash `h` (start from FNV_START). */
export function fnv1a(bytes: Uint8Array, h = FNV_START): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h;
}

export const hex32 = (h: number): string => h.toString(16).padStart(8, '0');
