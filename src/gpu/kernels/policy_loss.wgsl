// The clipped surrogate with asymmetric clip range and the k3 KL to a frozen
// reference, per token, with its averaging weight:
//   loss = w * (-min(r A, clip(r, 1 - lo, 1 + hi) A) + beta * kl),  r = exp(lpNew - lpOld)
//   kl = exp(lpRef - lpNew) - (lpRef - lpNew) - 1
// dlp = d loss / d lpNew (the clipped branch is constant in lpNew).

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_id(gid, nwg);
  if (i >= p.n) { return; }
  let w = weight[i];
  if (w == 0.0) {
    loss[i] = 0.0;
    kl[i] = 0.0;
    dlp[i] = 0.0;
    return;
  }
  let a = adv[i];
  let ratio = exp(lpNew[i] - lpOld[i]);
  let clipped = clamp(ratio, 1.0 - p.clipLow, 1.0 + p.clipHigh);
  let u = ratio * a;
  let c = clipped * a;
  var surrogate = c;
  var dSurr = 0.0;
  if (u <= c) {
    surrogate = u;
    dSurr = u;
  }
  let d = lpRef[i] - lpNew[i];
  let k3 = exp(d) - d - 1.0;
  kl[i] = k3;
  loss[i] = w * (-surrogate + p.beta * k3);
  dlp[i] = w * (-dSurr + p.beta * (1.0 - exp(d)));
}
