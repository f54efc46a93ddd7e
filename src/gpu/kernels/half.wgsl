// IEEE half floats, two per u32 word (the low half first, as little-endian
// memory holds them), widened to f32: onnxruntime's fp16 logits read by the
// playground's f32 kernels. unpack2x16float is core WGSL (no shader-f16 needed).

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_id(gid, nwg);
  if (i >= p.n) { return; }
  let pair = unpack2x16float(packed[i / 2u]);
  out[i] = select(pair.x, pair.y, (i & 1u) == 1u);
}
