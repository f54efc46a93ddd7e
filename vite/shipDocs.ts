// The production build ships the docs the page links to at the same relative path as in the repository
// (dist/docs/...), so a link such as `docs/research.md` resolves under any base, as it does on the dev server,
// which serves the repository's root.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

export function shipDocs(root: string, files: readonly string[]): Plugin {
  return {
    name: 'ship-docs',
    apply: 'build',
    generateBundle() {
      for (const file of files)
        this.emitFile({ type: 'asset', fileName: file, source: readFileSync(join(root, file)) });
    },
  };
}
