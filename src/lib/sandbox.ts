// A sandbox for code a user wrote (a custom reward): QuickJS compiled to WebAssembly.
// Chosen over an opaque-origin iframe because the same module runs in the trainer
// worker, in Node (tests and `npm run experiment`) and synchronously inside a step: it
// interrupts an endless loop at a deadline, caps the heap, and starts with nothing but
// the language (no DOM, storage, network, timers, or Date: a reward cannot read a clock).
// Math.random is replaced by a seeded generator, reseeded before every call, so a run
// from a link reproduces.

import {
  DefaultIntrinsics,
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';

export interface SandboxLimits {
  /** Wall time one call may take. */
  timeMs: number;
  /** Wall time the source's first evaluation may take (its top level, and the parse). */
  compileMs: number;
  /** The heap of one sandbox, its source's globals included. */
  memoryBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { timeMs: 100, compileMs: 2000, memoryBytes: 16 << 20 };

/** The file name errors give the user's source, so that a line can be read off them. */
const FILE = 'reward.js';

/** A problem with the user's code: what happened and, where known, its line in the source. */
export class SandboxError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}

let modulePromise: Promise<QuickJSWASMModule> | null = null;

/**
 * Loads QuickJS once per thread. `wasmLocation`: the URL of the .wasm (the page hands its
 * bundled asset's URL to the worker); left out, the package finds it (Node).
 */
export function loadSandbox(wasmLocation?: string): Promise<QuickJSWASMModule> {
  modulePromise ??= newQuickJSWASMModuleFromVariant(
    wasmLocation ? newVariant(releaseSync, { wasmLocation }) : releaseSync,
  ).then(
    (qjs) => {
      warmUp(qjs);
      return qjs;
    },
    (e: unknown) => {
      modulePromise = null;
      throw e;
    },
  );
  return modulePromise;
}

/**
 * Parses and runs a little code once, with no limit: the engine compiles its WebAssembly
 * lazily, function by function, and on a busy machine the first parse and call can take
 * longer than a call's whole time limit. Users' code is then timed on a warm engine.
 */
function warmUp(qjs: QuickJSWASMModule): void {
  const ctx = qjs.newContext();
  const r = ctx.evalCode(
    'function f(x) { const o = JSON.parse(x); let s = 0; for (const k of o.a) s += Math.sqrt(k); return [s, o.b.split(" ").length]; }\nfor (let i = 0; i < 50; i++) f(\'{"a":[1,2,3],"b":"a b"}\');',
  );
  if (r.error) r.error.dispose();
  else r.value.dispose();
  ctx.dispose();
}

// Runs before the user's source: a seeded Math.random (mulberry32) that only the host can reseed.
const PRELUDE = `(() => {
  let s = 0;
  const random = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  Object.defineProperty(Math, 'random', { value: random, writable: false, configurable: false });
  return (seed) => { s = seed | 0; };
})()`;

/** The line of `reward.js` an error's stack names, or null. */
function lineOf(stack: unknown): number | null {
  const m = typeof stack === 'string' ? new RegExp(`${FILE.replace('.', '\\.')}:(\\d+)`).exec(stack) : null;
  return m ? Number(m[1]) : null;
}

/** A script compiled once into its own runtime, whose named functions are called many times. */
export class SandboxedScript {
  private readonly rt: QuickJSRuntime;
  private readonly ctx: QuickJSContext;
  private readonly fns = new Map<string, QuickJSHandle>();
  private readonly reseed: QuickJSHandle;
  private readonly parse: QuickJSHandle;
  private deadline = 0;
  private disposed = false;

  /**
   * Throws a SandboxError (with the line) if the source does not compile or does not define
   * each of `required` as a function; `optional` functions are kept where it defines them.
   */
  constructor(
    qjs: QuickJSWASMModule,
    source: string,
    { required, optional = [] }: { required: readonly string[]; optional?: readonly string[] },
    private readonly limits: SandboxLimits = DEFAULT_LIMITS,
  ) {
    this.rt = qjs.newRuntime();
    this.rt.setMemoryLimit(limits.memoryBytes);
    this.rt.setMaxStackSize(256 << 10);
    this.rt.setInterruptHandler(() => Date.now() > this.deadline);
    // no Date: the one clock a script could otherwise read
    this.ctx = this.rt.newContext({ intrinsics: { ...DefaultIntrinsics, Date: false } });
    // every handle must be freed before the runtime is, or QuickJS aborts
    const held: QuickJSHandle[] = [];
    try {
      this.deadline = Date.now() + limits.compileMs;
      const pre = this.ctx.evalCode(PRELUDE, 'prelude.js');
      if (pre.error) throw this.problem(pre.error, 'the sandbox could not start', limits.compileMs);
      this.reseed = pre.value;
      held.push(this.reseed);
      const r = this.ctx.evalCode(source, FILE);
      if (r.error) throw this.problem(r.error, 'does not run', limits.compileMs);
      r.value.dispose();
      for (const name of [...required, ...optional]) {
        const fn = this.ctx.getProp(this.ctx.global, name);
        held.push(fn);
        if (this.ctx.typeof(fn) === 'function') this.fns.set(name, fn);
        else if (required.includes(name))
          throw new SandboxError(`the code must define a function ${name}(input)`, null);
      }
      const json = this.ctx.getProp(this.ctx.global, 'JSON');
      this.parse = this.ctx.getProp(json, 'parse');
      json.dispose();
      // the handles of functions it does not define
      for (const h of held) if (![...this.fns.values()].includes(h) && h !== this.reseed) h.dispose();
    } catch (e) {
      for (const h of held) h.dispose();
      this.ctx.dispose();
      this.rt.dispose();
      throw e;
    }
  }

  /** Turns a thrown handle into a SandboxError, disposing it. */
  private problem(h: QuickJSHandle, what: string, limitMs = this.limits.timeMs): SandboxError {
    const e: unknown = this.ctx.dump(h);
    h.dispose();
    const obj =
      typeof e === 'object' && e !== null ? (e as { name?: unknown; message?: unknown; stack?: unknown }) : {};
    const msg = obj.message !== undefined ? `${String(obj.name ?? 'Error')}: ${String(obj.message)}` : String(e);
    const oom = /out of memory/i.test(msg);
    if (!oom && (msg === 'InternalError: interrupted' || Date.now() > this.deadline))
      return new SandboxError(`${what}: stopped at the time limit of ${limitMs} ms (an endless loop?)`, null);
    return new SandboxError(
      oom ? `${what}: out of memory (the limit is ${this.limits.memoryBytes >> 20} MiB)` : `${what}: ${msg}`,
      lineOf(obj.stack),
    );
  }

  /** Whether the source defines the function `name` (one of those named at compile time). */
  has(name: string): boolean {
    return this.fns.has(name);
  }

  /**
   * Calls the function `name` on a JSON copy of `input`, Math.random seeded by `seed`, and returns
   * what it returned (a number as it is, NaN included; anything else as JSON). Throws a SandboxError.
   */
  call(name: string, input: unknown, seed: number): unknown {
    if (this.disposed) throw new Error('the sandbox was disposed');
    const fn = this.fns.get(name);
    if (!fn) throw new Error(`the code defines no function ${name}`);
    const ctx = this.ctx;
    this.deadline = Date.now() + this.limits.timeMs;
    const s = ctx.newNumber(seed);
    const str = ctx.newString(JSON.stringify(input));
    try {
      const seeded = ctx.callFunction(this.reseed, ctx.undefined, s);
      if (seeded.error) throw this.problem(seeded.error, 'its random could not be seeded');
      seeded.value.dispose();
      const parsed = ctx.callFunction(this.parse, ctx.undefined, str);
      if (parsed.error) throw this.problem(parsed.error, 'its input could not be read');
      const r = ctx.callFunction(fn, ctx.undefined, parsed.value);
      parsed.value.dispose();
      if (r.error) throw this.problem(r.error, 'it threw');
      const out: unknown = ctx.typeof(r.value) === 'number' ? ctx.getNumber(r.value) : ctx.dump(r.value);
      r.value.dispose();
      return out;
    } finally {
      s.dispose();
      str.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const h of this.fns.values()) h.dispose();
    this.parse.dispose();
    this.reseed.dispose();
    this.ctx.dispose();
    this.rt.dispose();
  }
}
