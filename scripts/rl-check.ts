// npm run rl-check -- [--backend wasm|cpu] [--config JSON] [--mode pool|fresh|both|sft] [--pool 32] [--steps S] [--heldout N] [--heldout-every K] [--sft-batch B] [--checkpoint DIR] [--out FILE.json]
// (steps and held-out problems default to the config's: 60 and 256 at the v5 defaults; --heldout 0 skips them)
// The quick way to tell a broken update from a task that does not generalise:
// from the shipped warm start, in Node (wasm backend by default), train on a fixed
// pool of prompts (can the update fit them?) and on fresh prompts every step
// (does it generalise?), and print the first-10 / last-10 means of the rollout
// figures, plus the held-out figures before and after when --heldout N > 0: N
// problems of the config's heldoutSeed, each with the config's heldoutSamples
// samples (4 by default; 0 for greedy only) at its temperature and top-p, as
// means with their standard errors over problems, greedy beside them, and the
// ground-truth description NLL. --out writes heldout_before and heldout_after
// in the trainer's shape ({ count, sampled: { k, desc_exact, desc_f1, answer_acc,
// lucky, se }, greedy, gt_desc_nll }).
// --mode sft trains on the ground-truth completions of fresh problems instead
// (B per step, the config's learning rate, the warm start's optimiser settings):
// what a perfect reward could do at best with that much data per step.
// --heldout-every K also takes the held-out figures every K steps (one run, a curve).

import { writeFileSync } from 'node:fs';
import type { Backend } from '../src/backend/backend';
import type { HeldoutFigures } from '../src/model/evaluate';
import { problemExample } from '../src/model/examples';
import { generateProblem } from '../src/tasks/problem';
import { DEFAULT_ADAMW, AdamW } from '../src/model/optimizer';
import { Params } from '../src/model/params';
import { sftStep } from '../src/model/sft';
import { TinyVLM } from '../src/model/tinyvlm';
import { configProblems } from '../src/rl/configValidation';
import { DEFAULT_RL, type RLConfig } from '../src/rl/config';
import { heldoutOf, RLTrainer } from '../src/rl/trainer';
import type { StepMetrics } from '../src/rl/types';
import { warmStartFor } from '../src/tasks/families';
import { readCheckpointDir } from './checkpointFile';
import { configJson, flags, int, oneOf, optInt, optText } from './cliArgs';
import { nodeBackend } from './nodeBackend';
import { heldoutLine } from './experiment/stepLine';

const args = flags({
  backend: oneOf(['wasm', 'cpu'] as const, 'wasm'),
  checkpoint: optText(),
  mode: oneOf(['pool', 'fresh', 'both', 'sft'] as const, 'both'),
  config: configJson(),
  steps: optInt(1),
  pool: int(32, 1),
  heldout: optInt(0),
  'heldout-every': int(0, 0),
  'sft-batch': optInt(1),
  out: optText(),
});
const backend = args.backend;
const mode = args.mode;
const over = args.config;
// Steps and held-out problems default to the config's (the v5 defaults: 60 steps, 256 problems).
const asked = { ...DEFAULT_RL, ...over };
// the warm start the config's run would start from, unless one is named
const dir = args.checkpoint ?? `models/${warmStartFor(asked.families, asked.warmStart)}`;
const steps = args.steps ?? asked.steps;
const pool = args.pool;
const heldout = args.heldout ?? asked.heldoutCount;
const heldoutEvery = args['heldout-every'];
const ck = readCheckpointDir(dir).checkpoint;
console.log(`from ${dir}`);

/** The rollout figures a check compares: answer reward, answer accuracy, exact descriptions, description F1. */
const FIGS = ['answer_acc', 'perception_acc', 'desc_f1', 'mean_mi'] as const;
/** The mean over the steps that have the figure (MI is scored every `metricEvery` steps where it is only a metric). */
const avg = (ms: StepMetrics[], k: (typeof FIGS)[number]) => {
  const xs = ms.flatMap((m) => (m[k] === null ? [] : [m[k]]));
  return xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : NaN;
};

/**
 * The held-out figures of a set of weights, as the trainer takes them: k samples per
 * problem at the config's temperature and top-p (means with their standard errors),
 * greedy beside them, and the teacher-forced NLL of the ground-truth descriptions.
 */
async function heldoutFigures(be: Backend, params: Map<string, Float32Array>, cfg: RLConfig): Promise<HeldoutFigures> {
  const m = new TinyVLM(be, ck.config, new Params(ck.config, be, params));
  const h = await heldoutOf(m, { ...cfg, heldoutCount: heldout });
  m.free();
  return h;
}

/** The figures a check's table compares: the sampled means with their SEs, greedy, and the NLL. */
function tableFigures(h: HeldoutFigures): { name: string; value: number; se?: number }[] {
  const s = h.sampled;
  const sampled = s
    ? (['desc_f1', 'desc_exact', 'answer_acc', 'lucky'] as const).map((k) => ({
        name: `sampled ${k} (k ${s.k})`,
        value: s[k],
        se: s.se[k],
      }))
    : [];
  return [
    ...sampled,
    { name: 'greedy desc_f1', value: h.greedy.desc_f1 ?? NaN },
    { name: 'greedy desc_exact', value: h.greedy.desc_exact },
    { name: 'greedy answer_acc', value: h.greedy.answer_acc },
    { name: 'gt_desc_nll', value: h.gt_desc_nll ?? NaN },
  ];
}

async function check(kind: 'pool' | 'fresh') {
  const cfg: RLConfig = {
    ...DEFAULT_RL,
    heldoutEvery: 0,
    recordPrompts: 0,
    ...over,
    steps,
    promptPool: kind === 'pool' ? pool : 0,
  };
  const problems = configProblems(cfg);
  if (problems) throw new Error(`invalid config: ${problems}`);
  const be = nodeBackend(backend);
  const t = new RLTrainer(be, cfg, ck);
  const before = heldout > 0 ? await heldoutFigures(be, ck.tensors, cfg) : null;
  const ms: StepMetrics[] = [];
  const curve: ({ step: number } & HeldoutFigures)[] = [];
  const t0 = Date.now();
  for (let s = 0; s < steps; s++) {
    const { metrics } = await t.trainStep();
    ms.push(metrics);
    if (metrics.error) throw new Error(metrics.error);
    console.log(
      `${kind} step ${s}: answer ${metrics.answer_acc.toFixed(3)} desc exact ${metrics.perception_acc.toFixed(3)} F1 ${metrics.desc_f1.toFixed(3)} MI ${metrics.mean_mi?.toFixed(3) ?? '–'} kl ${metrics.kl?.toFixed(4) ?? '–'} (${(metrics.step_ms / 1000).toFixed(1)} s)`,
    );
    if (heldout > 0 && heldoutEvery > 0 && (s + 1) % heldoutEvery === 0 && s + 1 < steps) {
      const h = await heldoutFigures(be, await t.model.params.toHost(), cfg);
      curve.push({ step: s + 1, ...h });
      console.log(`${kind} after ${s + 1} steps: ${heldoutLine(h)}`);
    }
  }
  const after = heldout > 0 ? await heldoutFigures(be, await t.model.params.toHost(), cfg) : null;
  t.free();
  const n = Math.min(10, Math.floor(steps / 2));
  const first = Object.fromEntries(FIGS.map((k) => [k, avg(ms.slice(0, n), k)]));
  const last = Object.fromEntries(FIGS.map((k) => [k, avg(ms.slice(-n), k)]));
  return {
    kind,
    config: cfg,
    first,
    last,
    heldout_before: before,
    heldout_curve: curve,
    heldout_after: after,
    steps: ms,
    wall_s: (Date.now() - t0) / 1000,
  };
}

/** Supervised fine-tuning on fresh problems' ground truth, with the held-out figures before and after. */
async function sftCheck() {
  const cfg: RLConfig = { ...DEFAULT_RL, ...over, steps };
  const problems = configProblems(cfg);
  if (problems) throw new Error(`invalid config: ${problems}`);
  const batch = args['sft-batch'] ?? cfg.batchPrompts * cfg.G;
  const be = nodeBackend(backend);
  const params = new Params(ck.config, be, ck.tensors);
  const m = new TinyVLM(be, ck.config, params);
  const opt = new AdamW(be, params, { ...DEFAULT_ADAMW, lr: cfg.lr });
  const before = heldout > 0 ? await heldoutFigures(be, ck.tensors, cfg) : null;
  const t0 = Date.now();
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const ex = Array.from({ length: batch }, (_, i) =>
      problemExample(
        generateProblem(cfg.seed, s * batch + i, { families: cfg.families, knobs: cfg.knobs }),
        ck.config,
        { withTarget: true },
      ),
    );
    const r = await sftStep(m, opt, ex, cfg.lr);
    losses.push(r.loss);
    console.log(`sft step ${s}: loss ${r.loss.toFixed(4)} grad norm ${r.gradNorm.toFixed(3)}`);
  }
  const after = heldout > 0 ? await heldoutFigures(be, await params.toHost(), cfg) : null;
  m.free();
  const n = Math.min(10, Math.floor(steps / 2));
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  return {
    kind: 'sft' as const,
    config: cfg,
    batch,
    first: { loss: mean(losses.slice(0, n)) },
    last: { loss: mean(losses.slice(-n)) },
    heldout_before: before,
    heldout_after: after,
    wall_s: (Date.now() - t0) / 1000,
  };
}

/** Table rows of the held-out figures before and after, with the change and, for sampled figures, its ± SE over problems. */
function heldoutRows(prefix: string, before: HeldoutFigures, after: HeldoutFigures): string[] {
  const a = tableFigures(after);
  const f = (x: number) => x.toFixed(3);
  const cell = (x: { value: number; se?: number }) => f(x.value) + (x.se === undefined ? '' : ` ± ${f(x.se)}`);
  return tableFigures(before).map((b, i) => {
    const d = a[i].value - b.value;
    return `${prefix}| held-out ${b.name} (${heldout}) | ${cell(b)} | ${cell(a[i])} | ${(d >= 0 ? '+' : '') + f(d)} |`;
  });
}

if (mode === 'sft') {
  const r = await sftCheck().catch((e: Error) => {
    console.error(`rl-check failed: ${e.message}`);
    process.exit(1);
  });
  const f = (x: number) => x.toFixed(3);
  console.log(
    `\nrl-check --mode sft ${JSON.stringify(over)} (${steps} steps of ${r.batch} ground-truth examples, lr ${r.config.lr})`,
  );
  console.log('| figure | before | after | change |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(
    `| training loss (first / last ${Math.min(10, Math.floor(steps / 2))} steps) | ${f(r.first.loss)} | ${f(r.last.loss)} | ${f(r.last.loss - r.first.loss)} |`,
  );
  if (r.heldout_before && r.heldout_after)
    for (const line of heldoutRows('', r.heldout_before, r.heldout_after)) console.log(line);
  if (args.out) writeFileSync(args.out, JSON.stringify(r, null, 1) + '\n');
  process.exit(0);
}

const results = [];
for (const kind of mode === 'both' ? (['pool', 'fresh'] as const) : [mode as 'pool' | 'fresh']) {
  try {
    results.push(await check(kind));
  } catch (e) {
    console.error(`rl-check failed: ${(e as Error).message}`);
    process.exit(1);
  }
}
const f = (x: number) => x.toFixed(3);
console.log(
  `\nrl-check ${JSON.stringify(over)} (${steps} steps; first ${Math.min(10, Math.floor(steps / 2))} vs last)`,
);
console.log('| prompts | figure | first | last | change |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const r of results) {
  const label = r.kind === 'pool' ? `pool of ${pool}` : 'fresh';
  for (const k of FIGS)
    console.log(
      `| ${label} | rollout ${k} | ${f(r.first[k])} | ${f(r.last[k])} | ${(r.last[k] - r.first[k] >= 0 ? '+' : '') + f(r.last[k] - r.first[k])} |`,
    );
  if (r.heldout_before && r.heldout_after)
    for (const line of heldoutRows(`| ${label} `, r.heldout_before, r.heldout_after)) console.log(line);
}
if (args.out) {
  writeFileSync(args.out, JSON.stringify(results, null, 1) + '\n');
  console.log(`wrote ${args.out}`);
}
