// Elementwise ops over a flat index. Entry points share the bindings; each
// binds only what it uses.

struct Params { n: u32, nb: u32, alpha: f32, beta: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn flat(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * 256u;
}

@compute @workgroup_size(256)
fn add(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat(gid, nwg);
  if (i >= p.n) { return; }
  out[i] = p.alpha * a[i] + p.beta * b[i % p.nb];
}

@compute @workgroup_size(256)
fn scale(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat(gid, nwg);
  if (i >= p.n) { return; }
  out[i] = p.alpha * a[i];
}

@compute @workgroup_size(256)
fn fill(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat(gid, nwg);
  if (i >= p.n) { return; }
  out[i] = p.alpha;
}

const GELU_S: f32 = 0.7978845608028654; // sqrt(2 / pi)

// tanh through exp of a non-positive argument: no overflow for large |u|.
fn safe_tanh(u: f32) -> f32 {
  let e = exp(-2.0 * abs(u));
  return sign(u) * (1.0 - e) / (1.0 + e);
}

@compute @workgroup_size(256)
fn gelu(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat(gid, nwg);
  if (i >= p.n) { return; }
  let x = a[i];
  out[i] = 0.5 * x * (1.0 + safe_tanh(GELU_S * (x + 0.044715 * x * x * x)));
}

// out = dx += gelu'(x) * dout, with a = x, b = dout.
@compute @workgroup_size(256)
fn gelu_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat(gid, nwg);
  if (i >= p.n) { return; }
  let x = a[i];
  let t = safe_tanh(GELU_S * (x + 0.044715 * x * x * x));
  let du = GELU_S * (1.0 + 3.0 * 0.044715 * x * x);
  out[i] += (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du) * b[i];
}
