// Packs a kernel's uniform struct. Every field is a 4-byte scalar, so WGSL's
// layout is the fields in order, padded to 16 bytes.

import type { Scalar } from './kernel';

export function packUniforms(types: readonly Scalar[], values: readonly number[]): ArrayBuffer {
  const bytes = Math.max(16, Math.ceil((types.length * 4) / 16) * 16);
  const buf = new ArrayBuffer(bytes);
  const view = new DataView(buf);
  types.forEach((type, i) => {
    const v = values[i];
    if (type === 'f32') view.setFloat32(i * 4, v, true);
    else if (type === 'i32') view.setInt32(i * 4, v, true);
    else {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`uniform field ${i}: ${v} is not a u32`);
      view.setUint32(i * 4, v, true);
    }
  });
  return buf;
}
