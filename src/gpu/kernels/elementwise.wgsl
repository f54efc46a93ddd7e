// Elementwise ops over a flat index. Entry points share the declared bindings;
// each uses only some.

@compute @workgroup_size(WG)
fn add(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_id(gid, nwg);
  if (i >= p.n) { return; }
  out[i] = p.alpha * a[i] + p.beta * b[i % p.nb];
}

@compute @workgroup_size(WG)
fn scale(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_id(gid, nwg);
  if (i >= p.n) { return; }
  out[i] = p.alpha * a[i];
}

@compute @workgroup_size(WG)
fn fill(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_id(gid, nwg);
  if (i >= p.n) { return; }
  out[i] = p.alpha;
}

const GELU_S: f32 = 0.7978845608028654; // sqrt(2 / pi)

// 0.5 * (1 + tanh(u)) = sigmoid(2u): no 1 + tanh cancellation for negative x (f32 lost
// ~4e-4 of the value at x = -3.7), and u clamped so exp cannot overflow.
fn gelu_gate(x: f32) -> f32 {
  let u = clamp(GELU_S * (x + 0.044715 * x * x * x), -40.0, 40.0);
  return 1.0 / (1.0 + exp(-2.0 * u));
}

@compute @workgroup_size(WG)
fn gelu(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_id(gid, nwg);
  if (i >= p.n) { return; }
  let x = a[i];
  out[i] = x * gelu_gate(x);
}

// out = dx += gelu'(x) * dout, with a = x, b = dout.
@compute @workgroup_size(WG)
fn gelu_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_id(gid, nwg);
  if (i >= p.n) { return; }
  let x = a[i];
  // With s = sigmoid(2u): 1 + t = 2s and 1 - t^2 = 4s(1 - s).
  let s = gelu_gate(x);
  let du = GELU_S * (1.0 + 3.0 * 0.044715 * x * x);
  out[i] += (s + 2.0 * x * s * (1.0 - s) * du) * b[i];
}
