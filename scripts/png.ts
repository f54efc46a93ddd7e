// A minimal PNG encoder (RGB, 8-bit) on Node's zlib, for writing rendered scenes.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** rgb: floats in [0, 1], row-major [height, width, 3]. */
export function encodePng(rgb: Float32Array, width: number, height: number): Buffer {
  const raw = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    raw[y * (1 + width * 3)] = 0; // filter: none
    for (let i = 0; i < width * 3; i++)
      raw[y * (1 + width * 3) + 1 + i] = Math.round(Math.min(1, Math.max(0, rgb[y * width * 3 + i])) * 255);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Images of equal height side by side with a gap. */
export function hstack(images: Float32Array[], size: number, gap = 4): { rgb: Float32Array; width: number } {
  const width = images.length * size + (images.length - 1) * gap;
  const rgb = new Float32Array(width * size * 3).fill(1);
  images.forEach((img, k) => {
    for (let y = 0; y < size; y++)
      rgb.set(img.subarray(y * size * 3, (y + 1) * size * 3), (y * width + k * (size + gap)) * 3);
  });
  return { rgb, width };
}
