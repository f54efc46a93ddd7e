// Every declared kernel (each module's exported declarations, found by Vite), for the
// checks that each compiles and that each declaration matches its body: a new
// kernel is checked without being listed here.

import type { Kernel } from '../kernel';

const modules = import.meta.glob<Record<string, unknown>>('./*.ts', { eager: true });

const isKernel = (x: unknown): x is Kernel =>
  typeof x === 'object' && x !== null && 'code' in x && 'entryPoints' in x && 'bindingOrder' in x;

export const ALL_KERNELS: readonly Kernel[] = Object.entries(modules)
  .filter(([path]) => !path.endsWith('.test.ts') && path !== './index.ts')
  .flatMap(([, m]) => Object.values(m).filter(isKernel))
  .sort((a, b) => a.name.localeCompare(b.name));
