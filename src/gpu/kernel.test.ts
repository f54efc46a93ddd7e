import { describe, expect, it } from 'vitest';
import { defineKernel, is2D, wgslHeader, workgroupConstants, workgroupThreads } from './kernel';
import { ALL_KERNELS } from './kernels';
import { packUniforms } from './uniforms';

describe('kernel declarations', () => {
  it('generate the header: uniform struct, bindings in order, workgroup size, flat index', () => {
    const header = wgslHeader({
      name: 'demo',
      uniforms: { n: 'u32', scale: 'f32' },
      bindings: {
        x: { type: 'f32', access: 'read' },
        ids: { type: 'u32', access: 'read' },
        out: { type: 'f32', access: 'read_write' },
      },
      entryPoints: { main: { workgroupSize: 128 } },
      overrides: { ACCUMULATE: 'bool' },
      body: '',
    });
    const code = header.split('\n').filter((l) => !l.startsWith('//'));
    expect(code).toEqual([
      'override WG: u32 = 128u;',
      'override ACCUMULATE: bool = false;',
      'struct Params { n: u32, scale: f32 }',
      '@group(0) @binding(0) var<uniform> p: Params;',
      '@group(0) @binding(1) var<storage, read> x: array<f32>;',
      '@group(0) @binding(2) var<storage, read> ids: array<u32>;',
      '@group(0) @binding(3) var<storage, read_write> out: array<f32>;',
      'fn flat_id(gid: vec3<u32>, nwg: vec3<u32>) -> u32 { return gid.x + gid.y * nwg.x * WG; }',
      '',
    ]);
  });

  it('set each entry point its own workgroup size through the WG constant', () => {
    const k = ALL_KERNELS.find((x) => x.name === 'logsoftmax')!;
    expect(workgroupConstants(k, 'forward')).toEqual({ WG: 64 });
    expect(workgroupConstants(k, 'backward')).toEqual({ WG: 256 });
    const mm = ALL_KERNELS.find((x) => x.name === 'matmul')!;
    expect(is2D(mm)).toBe(true);
    expect(workgroupConstants(mm, 'main')).toEqual({ WG_X: 16, WG_Y: 16 });
    expect(workgroupThreads(mm, 'main')).toBe(256);
    expect(() => workgroupConstants(k, 'nope')).toThrow(/no entry point 'nope'/);
  });

  it('refuse what WebGPU or one header cannot serve', () => {
    const bindings = Object.fromEntries(
      [...Array(9)].map((_, i) => [`b${i}`, { type: 'f32', access: 'read' } as const]),
    );
    expect(() =>
      defineKernel({ name: 'wide', uniforms: {}, bindings, entryPoints: { main: { workgroupSize: 64 } }, body: '' }),
    ).toThrow(/9 storage bindings/);
    expect(() => is2D({ entryPoints: { a: { workgroupSize: 64 }, b: { workgroupSize: [8, 8] } } })).toThrow(/mixes/);
  });

  it('are all found, each under its own name', () => {
    const names = ALL_KERNELS.map((k) => k.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining(['adamw', 'attention', 'matmul', 'mi_score', 'policy_loss', 'sample']),
    );
    expect(names.length).toBeGreaterThanOrEqual(17);
  });

  // What the declaration says must be what the body uses: a binding or field the body never
  // names, an entry point it does not define, or a header written by hand again fails here.
  for (const k of ALL_KERNELS) {
    it(`${k.name}: its body matches its declaration`, () => {
      const body = k.body;
      const src = (k.prelude ?? '') + body;
      expect(body).not.toMatch(/@binding|struct Params|^\s*override /m);
      const computes = [...body.matchAll(/@compute @workgroup_size\(([^)]*)\)\s*fn (\w+)\(/g)];
      expect(computes.map((m) => m[2]).sort()).toEqual(Object.keys(k.entryPoints).sort());
      for (const m of computes) expect(m[1]).toBe(is2D(k) ? 'WG_X, WG_Y' : 'WG');
      expect(body.match(/@compute/g)?.length).toBe(computes.length);
      for (const b of k.bindingOrder) expect(src, `binding ${b}`).toMatch(new RegExp(`\\b${b}\\[`));
      for (const f of k.uniformOrder) expect(src, `uniform ${f}`).toMatch(new RegExp(`\\bp\\.${f}\\b`));
      for (const o of Object.keys(k.overrides ?? {})) expect(src, `override ${o}`).toMatch(new RegExp(`\\b${o}\\b`));
      expect(body).not.toMatch(/\b(64|256)u\b.*nwg|nwg.*\b(64|256)u\b/);
    });
  }

  it('pack uniforms by declared type, padded to 16 bytes, refusing a bad u32', () => {
    const buf = packUniforms(['u32', 'f32', 'i32', 'u32', 'f32'], [7, 0.5, -3, 0xffffffff, -2]);
    expect(buf.byteLength).toBe(32);
    const v = new DataView(buf);
    expect([
      v.getUint32(0, true),
      v.getFloat32(4, true),
      v.getInt32(8, true),
      v.getUint32(12, true),
      v.getFloat32(16, true),
    ]).toEqual([7, 0.5, -3, 0xffffffff, -2]);
    expect(() => packUniforms(['u32'], [-1])).toThrow(/not a u32/);
    expect(() => packUniforms(['u32'], [1.5])).toThrow(/not a u32/);
  });
});
