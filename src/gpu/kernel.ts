// A WGSL kernel declared once, as data: its uniforms, its storage bindings, its
// entry points with their workgroup sizes. The WGSL header (the uniform struct,
// the bindings, the workgroup size and the flat-index helper) is generated from
// the declaration, and dispatch takes named values, so the TS side and the WGSL
// side cannot disagree on order, type or size.

export type Scalar = 'u32' | 'i32' | 'f32';

export interface BindingDecl {
  /** Element type of the storage array. */
  readonly type: 'f32' | 'u32';
  readonly access: 'read' | 'read_write';
}

/** Shorthands for declarations: read-only and read-write arrays of f32 or u32. */
export const IN: BindingDecl = { type: 'f32', access: 'read' };
export const IN_U32: BindingDecl = { type: 'u32', access: 'read' };
export const OUT: BindingDecl = { type: 'f32', access: 'read_write' };
export const OUT_U32: BindingDecl = { type: 'u32', access: 'read_write' };

export interface EntryDecl {
  /** 1-D entry points read it as `WG`; 2-D ones as `WG_X`, `WG_Y`. */
  readonly workgroupSize: number | readonly [number, number];
}

export interface KernelDecl<U extends string, B extends string, E extends string> {
  /** Unique program name; the `.wgsl` beside the declaration holds the body. */
  readonly name: string;
  /** The uniform struct `p`, in field order (binding 0). Empty: no uniform binding. */
  readonly uniforms: Readonly<Record<U, Scalar>>;
  /** Storage arrays, bound from 1 in this order; an entry point uses any subset. */
  readonly bindings: Readonly<Record<B, BindingDecl>>;
  readonly entryPoints: Readonly<Record<E, EntryDecl>>;
  /** Pipeline constants other than the workgroup size, set per dispatch. */
  readonly overrides?: Readonly<Record<string, 'bool' | 'u32'>>;
  /** WGSL shared with other kernels (helper functions), placed after the header. */
  readonly prelude?: string;
  readonly body: string;
}

export interface Kernel<
  U extends string = string,
  B extends string = string,
  E extends string = string,
> extends KernelDecl<U, B, E> {
  /** The whole program: generated header, prelude, body. */
  readonly code: string;
  readonly uniformOrder: readonly U[];
  readonly bindingOrder: readonly B[];
}

const keys = <K extends string>(r: Readonly<Record<K, unknown>>): K[] => Object.keys(r) as K[];

/** Whether the kernel's entry points are 2-D (all of them, or none: one header serves them all). */
export function is2D(decl: { readonly entryPoints: Readonly<Record<string, EntryDecl>> }): boolean {
  const dims = Object.values(decl.entryPoints).map((e) => typeof e.workgroupSize !== 'number');
  if (dims.some((d) => d !== dims[0])) throw new Error('kernel mixes 1-D and 2-D entry points');
  return dims[0] ?? false;
}

/** The generated WGSL header of a declaration. */
export function wgslHeader<U extends string, B extends string, E extends string>(decl: KernelDecl<U, B, E>): string {
  const lines = [`// ---- generated from the declaration of '${decl.name}' (src/gpu/kernel.ts) ----`];
  const first = Object.values<EntryDecl>(decl.entryPoints)[0];
  if (!first) throw new Error(`${decl.name}: no entry points`);
  if (is2D(decl)) {
    const [x, y] = first.workgroupSize as readonly [number, number];
    lines.push(`override WG_X: u32 = ${x}u;`, `override WG_Y: u32 = ${y}u;`);
  } else {
    lines.push(`override WG: u32 = ${first.workgroupSize as number}u;`);
  }
  for (const [name, type] of Object.entries(decl.overrides ?? {})) {
    lines.push(`override ${name}: ${type} = ${type === 'bool' ? 'false' : '0u'};`);
  }
  const fields = keys(decl.uniforms);
  if (fields.length > 0) {
    lines.push(`struct Params { ${fields.map((f) => `${f}: ${decl.uniforms[f]}`).join(', ')} }`);
    lines.push('@group(0) @binding(0) var<uniform> p: Params;');
  }
  keys(decl.bindings).forEach((name, i) => {
    const b = decl.bindings[name];
    lines.push(`@group(0) @binding(${i + 1}) var<storage, ${b.access}> ${name}: array<${b.type}>;`);
  });
  if (!is2D(decl)) {
    lines.push(
      '// The flat thread index of a 1-D grid that grid1D spread over x and y.',
      'fn flat_id(gid: vec3<u32>, nwg: vec3<u32>) -> u32 { return gid.x + gid.y * nwg.x * WG; }',
    );
  }
  lines.push('// ---- end of the generated header ----', '');
  return lines.join('\n');
}

/** A kernel from its declaration: the program is the generated header, the prelude, then the body. */
export function defineKernel<U extends string, B extends string, E extends string>(
  decl: KernelDecl<U, B, E>,
): Kernel<U, B, E> {
  const bindingOrder = keys(decl.bindings);
  if (bindingOrder.length > 8)
    throw new Error(`${decl.name}: ${bindingOrder.length} storage bindings, the WebGPU default limit is 8`);
  return {
    ...decl,
    code: wgslHeader(decl) + (decl.prelude ? `${decl.prelude}\n` : '') + decl.body,
    uniformOrder: keys(decl.uniforms),
    bindingOrder,
  };
}

/** The pipeline constants that set an entry point's workgroup size. */
export function workgroupConstants(
  decl: { readonly entryPoints: Readonly<Record<string, EntryDecl>> },
  entry: string,
): Record<string, number> {
  const e = decl.entryPoints[entry];
  if (!e) throw new Error(`no entry point '${entry}'`);
  return typeof e.workgroupSize === 'number'
    ? { WG: e.workgroupSize }
    : { WG_X: e.workgroupSize[0], WG_Y: e.workgroupSize[1] };
}

/** Threads per workgroup of an entry point. */
export function workgroupThreads(
  decl: { readonly entryPoints: Readonly<Record<string, EntryDecl>> },
  entry: string,
): number {
  const w = decl.entryPoints[entry].workgroupSize;
  return typeof w === 'number' ? w : w[0] * w[1];
}
