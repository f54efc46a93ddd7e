// A digest of generated problems and their pixels, computed the same way in
// Node and in the browser to show both produce identical data.
import { generateProblem, problemRecord } from '../../src/tasks/problem';
import { renderScene } from '../../src/tasks/render';

function fnv1a(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

export function taskDigest(seed: number, count: number): { records: string[]; pixels: number[] } {
  const records: string[] = [];
  const pixels: number[] = [];
  for (let i = 0; i < count; i++) {
    const p = generateProblem(seed, i);
    records.push(JSON.stringify(problemRecord(p)));
    for (const s of p.scenes) {
      const rgb = renderScene(s);
      pixels.push(fnv1a(new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.byteLength)));
    }
  }
  return { records, pixels };
}
