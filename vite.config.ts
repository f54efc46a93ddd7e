import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { shipDocs } from './vite/shipDocs.ts';
import { shipModelCards } from './vite/shipModelCards.ts';

export default defineConfig({
  // A relative base: the built site works from any static host and sub-path unchanged
  // (`npm run build -- --base=/some/path/` pins an absolute one instead).
  base: './',
  // No index.html answer for a missing file: a file left out of the build is a 404, in
  // `vite` and `vite preview` alike, not a page that the checkpoint parser chokes on.
  appType: 'mpa',
  plugins: [
    react(),
    shipModelCards(fileURLToPath(new URL('./models', import.meta.url))),
    // the docs the page links to (src/ui/TeachingView.tsx)
    shipDocs(fileURLToPath(new URL('.', import.meta.url)), ['docs/research.md']),
  ],
  server: { host: '127.0.0.1', port: 5173 },
  worker: { format: 'es' },
  // transformers.js and onnxruntime-web load their wasm at run time: pre-bundling them breaks those paths.
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  build: {
    // One page that needs all of its code at once (React, recharts, the trainer client).
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      output: {
        // A checkpoint keeps its folder, with its content hash in the name; the rest go under assets/.
        assetFileNames: (info) => {
          const from = info.originalFileNames.find((f) => /^models\/.+\.safetensors$/.test(f));
          return from ? `${from.replace(/\/[^/]+$/, '')}/[name].[hash][extname]` : 'assets/[name]-[hash][extname]';
        },
      },
    },
  },
  // 5 s (vitest's default) is under a second's work times the slow-down of a 2-core machine running other jobs
  test: { include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'], environment: 'node', testTimeout: 20_000 },
});
