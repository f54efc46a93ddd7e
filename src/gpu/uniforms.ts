// Packs a kernel's uniform struct. Every field is a 4-byte scalar, so WGSL's
// layout is the fields in order, padded to 16 bytes.

export type UniformField = ['u32' | 'i32' | 'f32', number];

export function packUniforms(fields: readonly UniformField[]): ArrayBuffer {
  const bytes = Math.max(16, Math.ceil((fields.length * 4) / 16) * 16);
  const buf = new ArrayBuffer(bytes);
  const view = new DataView(buf);
  fields.forEach(([type, v], i) => {
    if (type === 'f32') view.setFloat32(i * 4, v, true);
    else if (type === 'i32') view.setInt32(i * 4, v, true);
    else {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`uniform field ${i}: ${v} is not a u32`);
      view.setUint32(i * 4, v, true);
    }
  });
  return buf;
}

/** Shorthands. */
export const u32 = (v: number): UniformField => ['u32', v];
export const f32 = (v: number): UniformField => ['f32', v];
