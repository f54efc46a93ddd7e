// Kernel cases: each runs the same op on the CPU reference and on WebGPU with
// identical random inputs; outputs are poisoned (NaN) first, or, for
// accumulating backward ops, given the same random start.

import type { Backend, Tensor } from '../../src/backend/backend';
import { IGNORE_INDEX, numel } from '../../src/backend/backend';
import { logSoftmaxAt } from '../../src/backend/cpu/rl';
import { sampleRef } from '../../src/backend/cpu/sampler';
import { CounterRng, Streams } from '../../src/lib/rng';

export type Data = Float32Array | Uint32Array;

export interface KernelCase {
  group: string;
  name: string;
  inputs: Record<string, { shape: number[]; data: Data }>;
  /** 'poison' outputs are filled with NaN; arrays are a shared start value (accumulating ops). */
  outputs: Record<string, { shape: number[]; init: 'poison' | Data; compare?: false; dtype?: 'u32' }>;
  run(be: Backend, t: Record<string, Tensor>): void;
  /** Custom check instead of the relative error (returns an error message or null). */
  check?(gpu: Record<string, Data>, cpu: Record<string, Data>, inputs: KernelCase['inputs']): string | null;
}

class Gen {
  private r: CounterRng;
  constructor(seed: number, row: number) {
    this.r = new CounterRng(seed, Streams.test, 0, row);
  }
  f(shape: number[], scale = 1): { shape: number[]; data: Float32Array } {
    const d = new Float32Array(numel(shape));
    for (let i = 0; i < d.length; i++) d[i] = (this.r.next() * 2 - 1) * scale;
    return { shape, data: d };
  }
  pos(shape: number[], lo: number, hi: number): { shape: number[]; data: Float32Array } {
    const d = new Float32Array(numel(shape));
    for (let i = 0; i < d.length; i++) d[i] = lo + this.r.next() * (hi - lo);
    return { shape, data: d };
  }
  ids(shape: number[], max: number): { shape: number[]; data: Uint32Array } {
    const d = new Uint32Array(numel(shape));
    for (let i = 0; i < d.length; i++) d[i] = this.r.int(max);
    return { shape, data: d };
  }
  u(shape: number[], values: number[]): { shape: number[]; data: Uint32Array } {
    return { shape, data: Uint32Array.from(values) };
  }
  int(k: number): number {
    return this.r.int(k);
  }
}

const poison = (shape: number[]) => ({ shape, init: 'poison' as const });

/** Each element against its own scale (relative error < 1e-4), for outputs that span decades. */
function elementwiseCheck(name: string, where: (i: number) => string) {
  return (gpu: Record<string, Data>, cpu: Record<string, Data>): string | null => {
    let worst = 0;
    let at = 0;
    for (let i = 0; i < cpu[name].length; i++) {
      const err = Math.abs(gpu[name][i] - cpu[name][i]) / Math.max(Math.abs(cpu[name][i]), 1e-30);
      if (!(err <= worst)) {
        worst = err;
        at = i;
      }
    }
    return worst < 1e-4
      ? null
      : `${where(at)}: relative error ${worst.toExponential(2)}, gpu ${gpu[name][at]} cpu ${cpu[name][at]}`;
  };
}

export function buildCases(seed: number): KernelCase[] {
  const cases: KernelCase[] = [];
  let row = 0;
  const gen = () => new Gen(seed, row++);

  // --- matmul: every layout, odd sizes, batch with broadcast, bias, accumulate, alpha ---
  const mm: [number, number, number, boolean, boolean][] = [
    [1, 1, 1, false, false],
    [7, 5, 3, false, false],
    [33, 47, 29, false, false],
    [64, 64, 64, false, true],
    [65, 17, 130, true, false],
    [19, 70, 41, true, true],
    [100, 3, 77, false, true],
  ];
  for (const [M, N, K, tA, tB] of mm) {
    const r = gen();
    const withBias = (M + N) % 2 === 1;
    cases.push({
      group: 'matmul',
      name: `matmul ${M}x${N}x${K}${tA ? ' transA' : ''}${tB ? ' transB' : ''}${withBias ? ' bias' : ''}`,
      inputs: { a: r.f(tA ? [K, M] : [M, K]), b: r.f(tB ? [N, K] : [K, N]), bias: r.f([N]) },
      outputs: { out: poison([M, N]) },
      run: (be, t) =>
        be.matmul({ out: t.out, a: t.a, b: t.b, bias: withBias ? t.bias : null, M, N, K, transA: tA, transB: tB }),
    });
  }
  {
    const r = gen();
    const [B, M, N, K] = [3, 13, 21, 9];
    cases.push({
      group: 'matmul',
      name: `matmul batched ${B}x${M}x${N}x${K} broadcast B, alpha, accumulate`,
      inputs: { a: r.f([B, M, K]), b: r.f([K, N]) },
      outputs: { out: { shape: [B, M, N], init: r.f([B, M, N]).data } },
      run: (be, t) =>
        be.matmul({ out: t.out, a: t.a, b: t.b, M, N, K, batch: B, strideB: 0, alpha: 0.37, accumulate: true }),
    });
  }
  for (const [M, N] of [
    [5, 3],
    [131, 67],
  ]) {
    const r = gen();
    cases.push({
      group: 'matmul',
      name: `bias backward ${M}x${N}`,
      inputs: { dout: r.f([M, N]) },
      outputs: { dbias: { shape: [N], init: r.f([N]).data } },
      run: (be, t) => be.biasBackward({ dbias: t.dbias, dout: t.dout, M, N }),
    });
  }

  // --- elementwise ---
  for (const size of [1, 255, 1000]) {
    const r = gen();
    cases.push({
      group: 'elementwise',
      name: `add ${size} (broadcast 5)`,
      inputs: { a: r.f([size]), b: r.f([Math.min(5, size)]) },
      outputs: { out: poison([size]) },
      run: (be, t) => be.add(t.out, t.a, t.b, 0.5, -2),
    });
    cases.push({
      group: 'elementwise',
      name: `scale ${size}`,
      inputs: { a: r.f([size]) },
      outputs: { out: poison([size]) },
      run: (be, t) => be.scale(t.out, t.a, 1.7),
    });
    cases.push({
      group: 'gelu',
      name: `gelu forward ${size}`,
      inputs: { x: r.f([size], 4) },
      outputs: { out: poison([size]) },
      run: (be, t) => be.gelu(t.out, t.x),
    });
    cases.push({
      group: 'gelu',
      name: `gelu backward ${size}`,
      inputs: { x: r.f([size], 4), dout: r.f([size]) },
      outputs: { dx: { shape: [size], init: r.f([size]).data } },
      run: (be, t) => be.geluBackward(t.dx, t.x, t.dout),
    });
  }

  // GELU's tails, each element on its own scale: near x = -4 the output is ~1e-4 of the
  // input and a 1 + tanh cancellation in f32 loses a relative 4e-4 there, which a
  // normwise error over a wide random range hides.
  {
    const r = gen();
    const size = 257;
    const tails = r.pos([size], -9, 6);
    const elementwise = (name: string) => elementwiseCheck(name, (i) => `element ${i} (x = ${tails.data[i]})`);
    cases.push({
      group: 'gelu',
      name: `gelu forward tails ${size}, elementwise`,
      inputs: { x: tails },
      outputs: { out: poison([size]) },
      run: (be, t) => be.gelu(t.out, t.x),
      check: elementwise('out'),
    });
    cases.push({
      group: 'gelu',
      name: `gelu backward tails ${size}, elementwise`,
      inputs: { x: tails, dout: r.pos([size], 0.5, 1.5) },
      outputs: { dx: { shape: [size], init: new Float32Array(size) } },
      run: (be, t) => be.geluBackward(t.dx, t.x, t.dout),
      check: elementwise('dx'),
    });
  }

  // fp16 -> f32: random half bit patterns (normals, subnormals, zeros, infinities; NaNs
  // excluded: any NaN payload compares unequal) and an odd length (the last word half used)
  {
    const r = gen();
    const n = 1001;
    const words = new Uint32Array(Math.ceil(n / 2));
    const half = () => {
      let h = Math.floor(r.pos([1], 0, 65536).data[0]) & 0xffff;
      if ((h & 0x7c00) === 0x7c00 && h & 0x3ff) h &= 0xfc00; // NaN -> infinity
      return h;
    };
    for (let i = 0; i < words.length; i++) words[i] = (half() | (half() << 16)) >>> 0;
    cases.push({
      group: 'elementwise',
      name: `half to float ${n}, exact (subnormals may flush to 0)`,
      inputs: { packed: { shape: [words.length], data: words } },
      outputs: { out: poison([n]) },
      run: (be, t) => be.halfToFloat(t.out, t.packed, n),
      check: (gpu, cpu) => {
        for (let i = 0; i < n; i++) {
          const [a, b] = [gpu.out[i], cpu.out[i]];
          if (a !== b && !(Math.abs(b) < 2 ** -14 && Math.abs(a - b) <= 2 ** -14))
            return `element ${i}: gpu ${a} cpu ${b}`;
        }
        return null;
      },
    });
  }

  // --- layer norm ---
  for (const [rows, C] of [
    [1, 7],
    [13, 64],
    [37, 100],
  ]) {
    const r = gen();
    const x = r.f([rows, C], 3);
    const w = r.f([C]);
    const b = r.f([C]);
    cases.push({
      group: 'layernorm',
      name: `layernorm forward ${rows}x${C}`,
      inputs: { x, w, b },
      outputs: { out: poison([rows, C]), mean: poison([rows]), rstd: poison([rows]) },
      run: (be, t) => be.layerNorm({ out: t.out, mean: t.mean, rstd: t.rstd, x: t.x, w: t.w, b: t.b, rows, C }),
    });
    const mean = new Float32Array(rows);
    const rstd = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      let m = 0;
      for (let c = 0; c < C; c++) m += x.data[i * C + c];
      m /= C;
      let v = 0;
      for (let c = 0; c < C; c++) v += (x.data[i * C + c] - m) ** 2;
      mean[i] = m;
      rstd[i] = 1 / Math.sqrt(v / C + 1e-5);
    }
    cases.push({
      group: 'layernorm',
      name: `layernorm backward ${rows}x${C}`,
      inputs: { x, w, dout: r.f([rows, C]), mean: { shape: [rows], data: mean }, rstd: { shape: [rows], data: rstd } },
      outputs: {
        dx: { shape: [rows, C], init: r.f([rows, C]).data },
        dw: { shape: [C], init: r.f([C]).data },
        db: { shape: [C], init: r.f([C]).data },
      },
      run: (be, t) =>
        be.layerNormBackward({
          dx: t.dx,
          dw: t.dw,
          db: t.db,
          dout: t.dout,
          x: t.x,
          mean: t.mean,
          rstd: t.rstd,
          w: t.w,
          rows,
          C,
        }),
    });
  }

  // --- attention (prefix mask), backward, KV cache ---
  for (const [B, T, C, nHead] of [
    [1, 5, 8, 2],
    [2, 13, 24, 3],
    [3, 30, 64, 4],
  ]) {
    const r = gen();
    const qkv = r.f([B, T, 3 * C], 1.5);
    const prefix = r.u(
      [B],
      Array.from({ length: B }, () => r.int(T + 1)),
    );
    const s = { B, T, C, nHead };
    cases.push({
      group: 'attention',
      name: `attention forward B${B} T${T} C${C} H${nHead}`,
      inputs: { qkv, prefix },
      outputs: { out: poison([B, T, C]), att: poison([B, nHead, T, T]) },
      run: (be, t) => be.attention({ out: t.out, att: t.att, qkv: t.qkv, prefix: t.prefix, ...s }),
    });
    cases.push({
      group: 'attention',
      name: `attention backward B${B} T${T} C${C} H${nHead}`,
      inputs: { qkv, prefix, dout: r.f([B, T, C]) },
      outputs: {
        dqkv: { shape: [B, T, 3 * C], init: r.f([B, T, 3 * C]).data },
        att: { shape: [B, nHead, T, T], init: 'poison', compare: false },
        out: { shape: [B, T, C], init: 'poison', compare: false },
        dpre: { shape: [B, nHead, T, T], init: 'poison', compare: false },
      },
      run: (be, t) => {
        be.attention({ out: t.out, att: t.att, qkv: t.qkv, prefix: t.prefix, ...s });
        be.attentionBackward({ dqkv: t.dqkv, dpre: t.dpre, dout: t.dout, att: t.att, qkv: t.qkv, ...s });
      },
    });
    const Tmax = T + 3;
    const start = r.u(
      [B],
      Array.from({ length: B }, () => r.int(4)),
    );
    const len = r.u(
      [B],
      Array.from({ length: B }, (_, i) => Math.min(Tmax, start.data[i] + T)),
    );
    cases.push({
      group: 'attention',
      name: `kv cache write + decode B${B} T${T} Tmax${Tmax} C${C} H${nHead}`,
      inputs: { qkv, start, len, q: r.f([B, 3 * C], 1.5) },
      outputs: {
        k: { shape: [B, Tmax, C], init: r.f([B, Tmax, C]).data },
        v: { shape: [B, Tmax, C], init: r.f([B, Tmax, C]).data },
        out: poison([B, C]),
      },
      run: (be, t) => {
        be.kvCacheWrite({ kCache: t.k, vCache: t.v, qkv: t.qkv, start: t.start, B, T, Tmax, C });
        be.attentionDecode({ out: t.out, qkv: t.q, kCache: t.k, vCache: t.v, len: t.len, B, Tmax, C, nHead });
      },
    });
  }

  // --- embedding ---
  for (const [N, C, V] of [
    [1, 3, 2],
    [37, 24, 11],
    [300, 64, 50],
  ]) {
    const r = gen();
    const ids = r.ids([N], V);
    for (let i = 4; i < N; i += 5) ids.data[i] = V; // out of range: a zero row, no gradient (never the only row)
    cases.push({
      group: 'embedding',
      name: `embedding forward N${N} C${C} V${V}`,
      inputs: { ids, table: r.f([V, C]) },
      outputs: { out: poison([N, C]) },
      run: (be, t) => be.embedding({ out: t.out, ids: t.ids, table: t.table, N, C }),
    });
    cases.push({
      group: 'embedding',
      name: `embedding forward accumulate N${N} C${C} V${V}`,
      inputs: { ids, table: r.f([V, C]) },
      outputs: { out: { shape: [N, C], init: r.f([N, C]).data } },
      run: (be, t) => be.embedding({ out: t.out, ids: t.ids, table: t.table, N, C, accumulate: true }),
    });
    cases.push({
      group: 'embedding',
      name: `embedding backward N${N} C${C} V${V}`,
      inputs: { ids, dout: r.f([N, C]) },
      outputs: { dtable: { shape: [V, C], init: r.f([V, C]).data } },
      run: (be, t) => be.embeddingBackward({ dtable: t.dtable, dout: t.dout, ids: t.ids, N, C }),
    });
  }

  // --- log-softmax gather and cross-entropy ---
  for (const [N, V] of [
    [1, 2],
    [17, 33],
    [64, 301],
  ]) {
    const r = gen();
    const logits = r.f([N, V], 6);
    const ids = r.ids([N], V);
    const targets = { shape: [N], data: Uint32Array.from(ids.data, (x, i) => (i % 5 === 4 ? IGNORE_INDEX : x)) };
    cases.push({
      group: 'logsoftmax',
      name: `logsoftmax gather N${N} V${V}`,
      inputs: { logits, ids },
      outputs: { out: poison([N]), lse: poison([N]) },
      run: (be, t) => be.logSoftmaxGather({ out: t.out, lse: t.lse, logits: t.logits, ids: t.ids, N, V }),
    });
    cases.push({
      group: 'logsoftmax',
      name: `logsoftmax gather backward N${N} V${V}`,
      inputs: { logits, ids, dout: r.f([N]) },
      outputs: {
        dlogits: { shape: [N, V], init: r.f([N, V]).data },
        out: { shape: [N], init: 'poison', compare: false },
        lse: { shape: [N], init: 'poison', compare: false },
      },
      run: (be, t) => {
        be.logSoftmaxGather({ out: t.out, lse: t.lse, logits: t.logits, ids: t.ids, N, V });
        be.logSoftmaxGatherBackward({
          dlogits: t.dlogits,
          dout: t.dout,
          logits: t.logits,
          lse: t.lse,
          ids: t.ids,
          N,
          V,
        });
      },
    });
    cases.push({
      group: 'crossentropy',
      name: `cross-entropy with ignored rows N${N} V${V}`,
      inputs: { logits, targets },
      outputs: { loss: poison([N]), lse: poison([N]) },
      run: (be, t) => be.crossEntropy({ out: t.loss, lse: t.lse, logits: t.logits, ids: t.targets, N, V }),
    });
    cases.push({
      group: 'crossentropy',
      name: `cross-entropy backward N${N} V${V}`,
      inputs: { logits, targets, dloss: r.pos([N], 0.1, 1) },
      outputs: {
        dlogits: { shape: [N, V], init: r.f([N, V]).data },
        loss: { shape: [N], init: 'poison', compare: false },
        lse: { shape: [N], init: 'poison', compare: false },
      },
      run: (be, t) => {
        be.crossEntropy({ out: t.loss, lse: t.lse, logits: t.logits, ids: t.targets, N, V });
        be.crossEntropyBackward({
          dlogits: t.dlogits,
          dout: t.dloss,
          logits: t.logits,
          lse: t.lse,
          ids: t.targets,
          N,
          V,
        });
      },
    });
  }

  // Confident rows, each element on its own scale: with one logit 6-16 above the rest,
  // log p of the arg-max is ~ -1e-5 and log(1 + tiny) in f32 keeps ~2 digits of it,
  // which a normwise error over rows of order 10 hides.
  {
    const r = gen();
    const N = 96;
    const V = 2 + r.int(7);
    const logits = r.f([N, V], 1);
    const ids = new Uint32Array(N);
    for (let i = 0; i < N; i++) {
      const top = r.int(V);
      logits.data[i * V + top] += 6 + (10 * i) / N;
      ids[i] = i % 2 === 0 ? top : r.int(V);
    }
    const check = (name: string) => elementwiseCheck(name, (i) => `row ${i}`);
    cases.push({
      group: 'logsoftmax',
      name: `logsoftmax gather confident rows N${N} V${V}, elementwise`,
      inputs: { logits, ids: { shape: [N], data: ids } },
      outputs: { out: poison([N]), lse: poison([N]) },
      run: (be, t) => be.logSoftmaxGather({ out: t.out, lse: t.lse, logits: t.logits, ids: t.ids, N, V }),
      check: check('out'),
    });
    cases.push({
      group: 'crossentropy',
      name: `cross-entropy confident rows N${N} V${V}, elementwise`,
      inputs: { logits, targets: { shape: [N], data: ids } },
      outputs: { loss: poison([N]), lse: poison([N]) },
      run: (be, t) => be.crossEntropy({ out: t.loss, lse: t.lse, logits: t.logits, ids: t.targets, N, V }),
      check: check('loss'),
    });
  }

  // --- reductions ---
  for (const [rows, cols] of [
    [1, 1],
    [3, 257],
    [40, 1000],
    [1, 70001],
  ]) {
    const r = gen();
    const x = r.f([rows, cols]);
    for (const op of ['sum', 'mean', 'max', 'sumsq', 'l2'] as const) {
      cases.push({
        group: 'reduce',
        name: `reduce ${op} ${rows}x${cols}`,
        inputs: { x },
        outputs: { out: poison([rows + 2]) },
        run: (be, t) => {
          be.fill(t.out, 0);
          be.reduce({ out: t.out, x: t.x, rows, cols, op, outOffset: 2 });
        },
      });
    }
  }

  // --- AdamW with clipping by global norm (clipping on and off) ---
  for (const [size, maxNorm, step] of [
    [1, 0, 1],
    [1000, 0.5, 7],
    [4099, 100, 3],
  ]) {
    const r = gen();
    const nSlots = 3;
    cases.push({
      group: 'adamw',
      name: `adamw ${size} maxNorm ${maxNorm} step ${step}`,
      inputs: { grad: r.f([size]), sumsq: r.pos([nSlots], 0.5, 4) },
      outputs: {
        param: { shape: [size], init: r.f([size]).data },
        m: { shape: [size], init: r.f([size], 0.1).data },
        v: { shape: [size], init: r.pos([size], 0, 0.1).data },
      },
      run: (be, t) =>
        be.adamw({
          param: t.param,
          grad: t.grad,
          m: t.m,
          v: t.v,
          sumsq: t.sumsq,
          nSlots,
          hp: { lr: 0.01, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, step, maxGradNorm: maxNorm },
        }),
    });
  }

  // --- sampler: exact ids except at float ties ---
  for (const [B, V, temperature, topP] of [
    [5, 7, 0, 1],
    [40, 50, 1, 1],
    [40, 97, 0.7, 0.9],
    [64, 301, 1.3, 0.5],
  ]) {
    const r = gen();
    const sp = { temperature, topP, seed: seed ^ 0x5bd1e995, stream: Streams.sample, step: r.int(1000) };
    cases.push({
      group: 'sample',
      name: `sample B${B} V${V} T${temperature} top-p ${topP}`,
      inputs: {
        logits: r.f([B, V], 3),
        rowIds: r.u(
          [B],
          Array.from({ length: B }, (_, i) => i * 3 + 1),
        ),
        positions: r.u(
          [B],
          Array.from({ length: B }, () => r.int(100)),
        ),
      },
      outputs: { ids: { shape: [B], init: 'poison', dtype: 'u32' }, logp: poison([B]) },
      run: (be, t) =>
        be.sample({
          outIds: t.ids,
          logits: t.logits,
          rowIds: t.rowIds,
          positions: t.positions,
          B,
          V,
          p: sp,
          outLogp: t.logp,
        }),
      check: (gpu, cpu, inputs) => {
        // Float ties aside, ids must match exactly: a mismatch is accepted only
        // where the reference draw fell within 1e-4 of a cumulative boundary.
        const margins = new Float64Array(B);
        sampleRef(
          {
            outIds: new Uint32Array(B),
            logits: inputs.logits.data,
            rowIds: inputs.rowIds.data,
            positions: inputs.positions.data,
            B,
            V,
            p: sp,
          },
          margins,
        );
        const bad: string[] = [];
        for (let i = 0; i < B; i++) {
          if (gpu.ids[i] !== cpu.ids[i] && margins[i] > 1e-4)
            bad.push(`row ${i}: gpu ${gpu.ids[i]} cpu ${cpu.ids[i]} (margin ${margins[i].toExponential(2)})`);
          // the drawn token's log-probability at temperature 1 (MI's real pass): as the reference computes it for that token
          const want = gpu.ids[i] === cpu.ids[i] ? cpu.logp[i] : logSoftmaxAt(inputs.logits.data, i * V, V, gpu.ids[i]);
          if (!(Math.abs(gpu.logp[i] - want) <= 1e-5 * Math.max(1, Math.abs(want))))
            bad.push(`row ${i}: log p gpu ${gpu.logp[i]} cpu ${want}`);
        }
        return bad.length ? `${bad.length}/${B} sampled ids differ: ${bad.slice(0, 3).join('; ')}` : null;
      },
    });
  }
  // --- RL kernels ---
  // the last flag: the real pass given as log-probs (the sampler's), the logits holding the K alternatives only
  const miVariants: [number, number, number, number, { sum: boolean; clip: number }, boolean][] = [
    [5, 9, 13, 1, { sum: false, clip: 0 }, false],
    [6, 11, 85, 3, { sum: false, clip: 0 }, false],
    [5, 9, 13, 1, { sum: true, clip: 0 }, false],
    [6, 11, 85, 3, { sum: true, clip: 0 }, false],
    // a clip inside the spread of the pointwise terms (logits of scale 4), so some clamp and some do not
    [7, 10, 29, 1, { sum: true, clip: 1.5 }, false],
    [6, 11, 85, 3, { sum: false, clip: 2 }, false],
    [5, 9, 13, 1, { sum: true, clip: 0 }, true],
    [6, 11, 85, 3, { sum: false, clip: 2 }, true],
  ];
  for (const [B, T, V, K, mp, withReal] of miVariants) {
    const r = gen();
    const starts = Array.from({ length: B }, () => r.int(T));
    const lens = starts.map((st, i) => (i === 1 ? 0 : 1 + r.int(T - st)));
    const real = r.pos([B * T], -6, -0.1);
    cases.push({
      group: 'rl',
      name: `MI score B${B} T${T} V${V} K${K} ${mp.sum ? 'sum' : 'mean'} clip ${mp.clip}${withReal ? ', real pass given' : ''}`,
      inputs: {
        logits: r.f([(withReal ? K : 1 + K) * B * T, V], 4),
        ids: r.ids([B * T], V),
        start: r.u([B], starts),
        len: r.u([B], lens),
        real,
      },
      outputs: { mi: poison([B]), dep: poison([B * T]) },
      run: (be, t) =>
        be.miScore({
          mi: t.mi,
          dep: t.dep,
          logits: t.logits,
          ids: t.ids,
          descStart: t.start,
          descLen: t.len,
          B,
          T,
          V,
          K,
          p: mp,
          real: withReal ? t.real : undefined,
        }),
    });
  }
  {
    const r = gen();
    const n = 1000;
    const lpNew = r.pos([n], -3, 0);
    const lpOld = { shape: [n], data: Float32Array.from(lpNew.data, (x, i) => x + (((i * 7919) % 100) / 100 - 0.5)) };
    const weight = { shape: [n], data: Float32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0 : 1 / 900)) };
    cases.push({
      group: 'rl',
      name: `policy loss n${n} (clipped both ways, KL)`,
      inputs: { lpNew, lpOld, lpRef: r.pos([n], -3, 0), adv: r.f([n], 2), weight },
      outputs: { loss: poison([n]), kl: poison([n]), dlp: poison([n]) },
      run: (be, t) =>
        be.policyLoss({
          loss: t.loss,
          kl: t.kl,
          dlp: t.dlp,
          lpNew: t.lpNew,
          lpOld: t.lpOld,
          lpRef: t.lpRef,
          adv: t.adv,
          weight: t.weight,
          n,
          p: { clipLow: 0.2, clipHigh: 0.28, beta: 0.04 },
        }),
    });
  }
  {
    const r = gen();
    cases.push({
      group: 'rl',
      name: 'entropy N37 V85',
      inputs: { logits: r.f([37, 85], 5) },
      outputs: { out: poison([37]) },
      run: (be, t) => be.entropy({ out: t.out, logits: t.logits, N: 37, V: 85 }),
    });
  }
  return cases;
}

export const GROUPS = [
  'matmul',
  'elementwise',
  'gelu',
  'layernorm',
  'attention',
  'embedding',
  'logsoftmax',
  'crossentropy',
  'reduce',
  'adamw',
  'sample',
  'rl',
] as const;
