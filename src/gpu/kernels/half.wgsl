// IEEE half floats, two per u32 word (the low half first, as little-endian
// memory holds them), widened to f32: onnxruntime's fp16 logits read by the
// playground's f32 kernels. unpack2x16float is core WGSL (no shader-f16 needed).

struct Params { n: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> packed: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= p.n) { return; }
  let pair = unpack2x16float(packed[i / 2u]);
  out[i] = select(pair.x, pair.y, (i & 1u) == 1u);
}
