// The one place that says how tests, benchmarks and scripts launch Chromium:
// the system build (Playwright cannot download its own here) with WebGPU on
// SwiftShader when there is no GPU, and no background networking on a closed network.

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Without WebGPU: what a browser lacking it looks like to the page. */
export const CHROMIUM_ARGS_NO_WEBGPU = CHROMIUM_ARGS.filter(
  (a) => !a.includes('webgpu') && !a.includes('swiftshader'),
).concat(['--disable-webgpu', '--disable-gpu']);
