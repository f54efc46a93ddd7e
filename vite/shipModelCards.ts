// The production build ships each model folder's card (README, config, training and
// eval records) at dist/models/<name>/, beside where the dev server serves them. The
// weights themselves are imported with `?url` by the app, so Vite emits them with a
// content hash in the name (a new checkpoint is never served stale) and rewrites the URL.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

const WEIGHTS = /\.(safetensors|onnx|bin)$/;

export function shipModelCards(modelsDir: string): Plugin {
  return {
    name: 'ship-model-cards',
    apply: 'build',
    generateBundle() {
      for (const model of readdirSync(modelsDir)) {
        const dir = join(modelsDir, model);
        if (!statSync(dir).isDirectory()) continue;
        for (const file of readdirSync(dir)) {
          if (WEIGHTS.test(file) || !statSync(join(dir, file)).isFile()) continue;
          this.emitFile({ type: 'asset', fileName: `models/${model}/${file}`, source: readFileSync(join(dir, file)) });
        }
      }
    },
  };
}
