// Bytes and UTF-8 text as base64 and back: text as base64url (no padding) for the
// share links' hash, bytes as plain base64 for the snapshots that run files carry.
// Decoding throws on malformed input, which the decoders turn into their messages.

/** Plain base64 of bytes, in chunks (String.fromCharCode of megabytes at once overflows the stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function base64ToBytes(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

export function toBase64Url(s: string): string {
  return bytesToBase64(new TextEncoder().encode(s)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(s: string): string {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  return new TextDecoder('utf-8', { fatal: true }).decode(base64ToBytes(b64));
}
