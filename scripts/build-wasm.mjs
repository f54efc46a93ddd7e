// Compiles the WebAssembly SIMD kernels (wasm/kernels.ts, AssemblyScript) to
// src/backend/wasm/kernels.wasm. Runs at install, start, test and build; the output is not committed.
import { main } from 'assemblyscript/asc';

const args = [
  'wasm/kernels.ts',
  '--outFile',
  'src/backend/wasm/kernels.wasm',
  '--optimizeLevel',
  '3',
  '--shrinkLevel',
  '0',
  '--runtime',
  'stub',
  '--noAssert',
  ...(process.env.WASM_DEBUG ? ['--debug'] : []),
  '--enable',
  'simd',
];
const { error, stderr } = await main(args);
if (error) {
  console.error(stderr.toString());
  console.error(`build-wasm: ${error.message}`);
  process.exit(1);
}
