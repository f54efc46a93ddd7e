import { beforeAll, describe, expect, it } from 'vitest';
import type { QuickJSWASMModule } from 'quickjs-emscripten-core';
import { loadSandbox, SandboxedScript, SandboxError } from './sandbox';

let qjs: QuickJSWASMModule;
beforeAll(async () => {
  qjs = await loadSandbox();
}, 60_000);

const LIMITS = { timeMs: 50, compileMs: 500, memoryBytes: 8 << 20 };
const script = (src: string) => new SandboxedScript(qjs, src, { required: ['reward'] }, LIMITS);

/** The SandboxError a thunk throws (fails the test if it throws nothing or something else). */
function errorOf(f: () => unknown): SandboxError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SandboxError);
    return e as SandboxError;
  }
  throw new Error('expected a SandboxError');
}

describe('sandbox', () => {
  it('runs a known-good function on its input', () => {
    const s = script('function reward(x) {\n  return x.objects.filter((o) => o.ok).length / x.objects.length;\n}');
    expect(s.call('reward', { objects: [{ ok: true }, { ok: false }, { ok: true }, { ok: true }] }, 1)).toBe(0.75);
    s.dispose();
  });

  it('names the line of a syntax error and of a throw', () => {
    const syntax = errorOf(() => script('function reward(x) {\n  return x +;\n}'));
    expect(syntax.message).toMatch(/SyntaxError/);
    expect(syntax.line).toBe(2);
    const s = script('function reward(x) {\n  const y = 1;\n  throw new Error("no objects");\n}');
    const thrown = errorOf(() => s.call('reward', {}, 1));
    expect(thrown.message).toBe('it threw: Error: no objects');
    expect(thrown.line).toBe(3);
    // still usable after a throw
    expect(() => s.call('reward', {}, 2)).toThrow(/no objects/);
    s.dispose();
  });

  it('asks for the function it needs', () => {
    expect(errorOf(() => script('function rewards(x) { return 1 }')).message).toMatch(
      /define a function reward\(input\)/,
    );
    expect(errorOf(() => script('var reward = 3')).message).toMatch(/define a function reward/);
  });

  it('stops an endless loop at the time limit, and the script still answers after', () => {
    const s = script('function reward(x) {\n  if (x.loop) while (true) {}\n  return 1;\n}');
    const t0 = performance.now();
    expect(errorOf(() => s.call('reward', { loop: true }, 1)).message).toMatch(/time limit of 50 ms/);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(s.call('reward', { loop: false }, 1)).toBe(1);
    s.dispose();
    // at the top level too
    expect(errorOf(() => script('while (true) {}\nfunction reward() { return 1 }')).message).toMatch(
      /does not run: stopped at the time limit of 500 ms/,
    );
  });

  it('caps memory: a huge allocation fails with a clear message', () => {
    const s = script('function reward(x) {\n  return new Float64Array(1 << 24).length;\n}');
    expect(errorOf(() => s.call('reward', {}, 1)).message).toMatch(/out of memory \(the limit is 8 MiB\)/);
    s.dispose();
    // growing step by step, with time to reach the cap on a slow machine
    const strings = new SandboxedScript(
      qjs,
      'function reward() { const a = []; for (;;) a.push({ n: a.length }); }',
      { required: ['reward'] },
      { timeMs: 5000, compileMs: 5000, memoryBytes: 8 << 20 },
    );
    expect(errorOf(() => strings.call('reward', {}, 1)).message).toMatch(/out of memory/);
    strings.dispose();
  });

  it('returns what the function returned, NaN and Infinity included, for the caller to judge', () => {
    const s = new SandboxedScript(
      qjs,
      'function reward(x) { return x.v === "inf" ? 1 / 0 : x.v === "nan" ? NaN : x.v }',
      { required: ['reward'] },
    );
    expect(s.call('reward', { v: 'inf' }, 1)).toBe(Infinity);
    expect(s.call('reward', { v: 'nan' }, 1)).toBeNaN();
    expect(s.call('reward', { v: 'text' }, 1)).toBe('text');
    expect(s.call('reward', {}, 1)).toBeUndefined();
    s.dispose();
  });

  it('seeds Math.random per call: the same seed draws the same numbers, another seed others', () => {
    const s = script('function reward() { return [Math.random(), Math.random()] }');
    const a = s.call('reward', {}, 7) as number[];
    expect(s.call('reward', {}, 7)).toEqual(a);
    expect(s.call('reward', {}, 8)).not.toEqual(a);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
    // and the same in a fresh sandbox
    const t = script('function reward() { return [Math.random(), Math.random()] }');
    expect(t.call('reward', {}, 7)).toEqual(a);
    // the script cannot swap the generator for its own
    const u = script('Math.random = () => 0.5;\nfunction reward() { return Math.random() }');
    expect(u.call('reward', {}, 7)).toBe(a[0]);
    for (const x of [s, t, u]) x.dispose();
  });

  it('has no clock, DOM, storage, network or host globals', () => {
    (globalThis as Record<string, unknown>).hostSecret = 42;
    const names = [
      'Date',
      'fetch',
      'XMLHttpRequest',
      'WebSocket',
      'document',
      'window',
      'localStorage',
      'indexedDB',
      'setTimeout',
      'performance',
      'process',
      'require',
      'importScripts',
      'postMessage',
      'WebAssembly',
      'hostSecret',
    ];
    const s = script(
      `function reward() { return ${JSON.stringify(names)}.filter((n) => typeof globalThis[n] !== 'undefined') }`,
    );
    expect(s.call('reward', {}, 1)).toEqual([]);
    s.dispose();
    delete (globalThis as Record<string, unknown>).hostSecret;
    // one script's globals are not another's
    const a = script('var shared = 1;\nfunction reward() { return typeof shared }');
    const b = script('function reward() { return typeof shared }');
    expect([a.call('reward', {}, 1), b.call('reward', {}, 1)]).toEqual(['number', 'undefined']);
    a.dispose();
    b.dispose();
  });

  it('keeps optional functions where the source defines them', () => {
    const s = new SandboxedScript(qjs, 'function reward() { return 1 }\nfunction answerReward() { return 2 }', {
      required: ['reward'],
      optional: ['answerReward', 'other'],
    });
    expect([s.has('answerReward'), s.has('other')]).toEqual([true, false]);
    expect(s.call('answerReward', {}, 1)).toBe(2);
    s.dispose();
  });
});
