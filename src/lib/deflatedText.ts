// Text deflated and written as base64url, for share links that carry code (a custom reward's
// source), and back. Inflating stops past a size limit: a link of a few kB cannot expand into
// gigabytes. Both throw on malformed input, which the link decoder turns into its message.

import { deflateSync, Inflate, strToU8 } from 'fflate';
import { base64ToBytes, bytesToBase64 } from './base64url';

export function toDeflatedBase64Url(s: string): string {
  return bytesToBase64(deflateSync(strToU8(s), { level: 9 }))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

export function fromDeflatedBase64Url(s: string, maxBytes: number): string {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  const bytes = base64ToBytes(b64);
  const out: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const inf = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > maxBytes) throw new Error(`it inflates past ${maxBytes} bytes`);
    out.push(chunk);
    ended ||= final;
  });
  // a little at a time, so that the limit is checked before much is inflated
  for (let i = 0; i < bytes.length; i += 256) inf.push(bytes.subarray(i, i + 256), i + 256 >= bytes.length);
  if (bytes.length === 0 || !ended) throw new Error('it is truncated');
  const all = new Uint8Array(total);
  let o = 0;
  for (const c of out) {
    all.set(c, o);
    o += c.length;
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(all);
}
