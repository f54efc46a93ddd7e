// Layers only look down: a module imports from its own folder or from a layer
// below it, never from one above or beside it. Tests may reach anything.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Lower numbers are lower layers; folders of one rank may not import each other. */
const RANK: Record<string, number> = {
  lib: 0,
  tasks: 1,
  gpu: 1,
  backend: 2,
  model: 3,
  rl: 4,
  hub: 4,
  bridge: 4,
  worker: 5,
  ui: 6,
};

const SRC = resolve(__dirname);

function sources(dir: string, skip: readonly string[] = []): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (skip.includes(name)) return [];
    if (statSync(p).isDirectory()) return sources(p, skip);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
}

const layerOf = (file: string): string => relative(SRC, file).split('/')[0];

describe('layers', () => {
  it('every top folder of src has a rank', () => {
    const folders = readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory());
    expect(folders.filter((f) => !(f in RANK))).toEqual([]);
  });

  it('no module imports from a layer above or beside its own', () => {
    const bad: string[] = [];
    for (const file of sources(SRC)) {
      const from = layerOf(file);
      if (!(from in RANK)) continue; // main.tsx, the entry, sits on top
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
        if (m[1].includes('?')) continue; // an asset (?url, ?raw), not a module
        const target = resolve(dirname(file), m[1]);
        const to = relative(SRC, target).startsWith('..') ? 'outside src' : layerOf(target);
        if (to === from) continue;
        if (!(to in RANK) || RANK[to] >= RANK[from]) bad.push(`${relative(SRC, file)} -> ${m[1]} (${from} -> ${to})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('no module reaches itself through the modules it imports, type-only imports included', () => {
    // a type-only loop erases at run time, but still ties the modules into one piece to read and change
    const imports = (file: string): string[] =>
      [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\s[^'";]*?\bfrom\s+['"](\.[^'"]+)['"]/gm)]
        .filter(([, spec]) => !spec.includes('?'))
        .map(([, spec]) => resolve(dirname(file), spec))
        .flatMap((p) => [`${p}.ts`, `${p}.tsx`, join(p, 'index.ts')].filter((c) => existsSync(c)).slice(0, 1));
    const graph = new Map(sources(SRC).map((f) => [f, imports(f)]));
    // depth-first search; a module met again while still on the path closes a loop
    const state = new Map<string, 'open' | 'done'>();
    const loops: string[] = [];
    const visit = (f: string, path: string[]) => {
      state.set(f, 'open');
      for (const g of graph.get(f) ?? []) {
        if (state.get(g) === 'open')
          loops.push([...path.slice(path.indexOf(g)), f, g].map((x) => relative(SRC, x)).join(' -> '));
        else if (!state.has(g)) visit(g, [...path, f]);
      }
      state.set(f, 'done');
    };
    for (const f of graph.keys()) if (!state.has(f)) visit(f, []);
    expect(loops).toEqual([]);
  });

  it('the scripts (tools) use nothing of the UI or the tests', () => {
    const root = resolve(SRC, '..');
    const bad: string[] = [];
    for (const file of sources(join(root, 'scripts'), ['tmpdiag'])) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
        const to = relative(root, resolve(dirname(file), m[1]));
        if (to.startsWith('e2e/') || to.startsWith('src/ui/')) bad.push(`${relative(root, file)} -> ${m[1]}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
