// Scene -> pixels by analytic coverage with a fixed 4x4 supersample per pixel:
// only IEEE arithmetic, no platform canvas, so Node and every browser produce
// the same floats. Noise is an Irwin-Hall sum of counter-RNG uniforms (no
// transcendental functions, whose last bits may differ between engines).

import { rngUniform, Streams } from '../lib/rng';
import { RADIUS, type Color, type Scene, type SceneObject } from './scene';

// 36 px in 12 px patches: one patch per cell of the 3x3 scene grid, so each object
// sits in one image token (a small model learns to read the scene far sooner).
export const IMAGE_SIZE = 36;

export const RGB: Record<Color, readonly [number, number, number]> = {
  red: [0.89, 0.16, 0.16],
  green: [0.15, 0.7, 0.22],
  blue: [0.16, 0.32, 0.9],
  yellow: [0.96, 0.84, 0.12],
};
const BACKGROUND = [0.93, 0.93, 0.93] as const;
const SS = 4;

function inside(o: SceneObject, px: number, py: number): boolean {
  const r = RADIUS[o.size];
  const dx = px - o.x;
  const dy = py - o.y;
  if (o.shape === 'circle') return dx * dx + dy * dy <= r * r;
  if (o.shape === 'square') {
    const h = r * 0.86; // equal area to the circle's
    return Math.abs(dx) <= h && Math.abs(dy) <= h;
  }
  // Upward triangle: apex (0, -r), base corners (+-1.1r, 0.8r).
  const ax = 0;
  const ay = -r;
  const bx = -1.1 * r;
  const by = 0.8 * r;
  const cx = 1.1 * r;
  const cy = 0.8 * r;
  const e1 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
  const e2 = (cx - bx) * (dy - by) - (cy - by) * (dx - bx);
  const e3 = (ax - cx) * (dy - cy) - (ay - cy) * (dx - cx);
  return (e1 <= 0 && e2 <= 0 && e3 <= 0) || (e1 >= 0 && e2 >= 0 && e3 >= 0);
}

/**
 * RGB in [0, 1], row-major [size, size, 3]. Objects are painted in list order
 * (later ones occlude earlier ones); noise is added when `withNoise`.
 */
export function renderScene(scene: Scene, size = IMAGE_SIZE, withNoise = true): Float32Array {
  const out = new Float32Array(size * size * 3);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = BACKGROUND[0];
      let g = BACKGROUND[1];
      let b = BACKGROUND[2];
      for (const o of scene.objects) {
        let cover = 0;
        for (let sy = 0; sy < SS; sy++) {
          for (let sx = 0; sx < SS; sx++) {
            if (inside(o, (px + (sx + 0.5) / SS) / size, (py + (sy + 0.5) / SS) / size)) cover++;
          }
        }
        if (cover === 0) continue;
        const a = cover / (SS * SS);
        const c = RGB[o.color];
        r = r * (1 - a) + c[0] * a;
        g = g * (1 - a) + c[1] * a;
        b = b * (1 - a) + c[2] * a;
      }
      const i = (py * size + px) * 3;
      out[i] = r;
      out[i + 1] = g;
      out[i + 2] = b;
    }
  }
  if (withNoise && scene.noise > 0) {
    for (let i = 0; i < out.length; i++) {
      // Irwin-Hall of 4 uniforms: mean 2, variance 1/3 -> scale to unit variance.
      let s = 0;
      for (let k = 0; k < 4; k++) s += rngUniform(scene.noiseSeed, Streams.data, size, i, k);
      const z = (s - 2) * Math.sqrt(3);
      out[i] = Math.min(1, Math.max(0, out[i] + z * scene.noise));
    }
  }
  return out;
}

/** RGBA bytes for an ImageData (the UI's canvas view at any size). */
export function toRgba(rgb: Float32Array, size: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    out[i * 4] = Math.round(rgb[i * 3] * 255);
    out[i * 4 + 1] = Math.round(rgb[i * 3 + 1] * 255);
    out[i * 4 + 2] = Math.round(rgb[i * 3 + 2] * 255);
    out[i * 4 + 3] = 255;
  }
  return out;
}
