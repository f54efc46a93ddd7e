// One RL step of each algorithm from the shipped warm start, in the bench page: wall time,
// its phases, tokens, and the GPU work counted (dispatches, submits, readbacks). The
// counters do not depend on the machine, so they are what carries over to a real GPU.

import type { WebGpuBackend } from '../../src/backend/webgpu/webgpuBackend';
import { fetchCheckpoint } from '../../src/model/checkpoint';
import { ALGORITHM_NAMES, algorithmOf, groupLabel } from '../../src/rl/algorithms/table';
import { comparisonArms } from '../../src/rl/comparison';
import { V4_DEFAULTS } from '../../src/rl/configVersions';
import type { RLConfig } from '../../src/rl/config';
import { heldoutOf, RLTrainer } from '../../src/rl/trainer';
import type { StepMetrics } from '../../src/rl/types';

export interface RLStepRow {
  kernel: 'rl step';
  shape: string;
  ours_ms: number;
  phase_ms: { sample: number; score: number; fork: number; update: number; metrics: number };
  generated_tokens: number;
  forward_tokens: number;
  dispatches: number;
  submits: number;
  readbacks: number;
  ratio?: number;
  note?: string;
}

// the v4 defaults (4 prompts per step), so the committed figures keep their meaning
const BASE: RLConfig = { ...V4_DEFAULTS, heldoutEvery: 0, seed: 3 };

/** The rows, first the reference every ratio is taken against (GRPO-16), then each algorithm's row's bench sizes. */
const RL_STEP_CONFIGS: { shape: string; config: RLConfig }[] = [
  { shape: `grpo G16 P${BASE.batchPrompts}`, config: { ...BASE, algo: 'grpo', G: 16 } },
  // the measured steps (1, 2, ...) are not MI-metric steps at the default metricEvery; this row pays for it every step
  {
    shape: `grpo G16 P${BASE.batchPrompts} MI metric every step`,
    config: { ...BASE, algo: 'grpo', G: 16, metricEvery: 1 },
  },
  ...ALGORITHM_NAMES.flatMap((algo) => {
    const { bench } = algorithmOf({ algo });
    if (!bench) return [];
    const config: RLConfig = { ...BASE, algo, ...(bench as Partial<RLConfig>) };
    return [{ shape: `${algo} ${groupLabel(config)} P${BASE.batchPrompts}`, config }];
  }),
];

/**
 * `--only mirl` (#47): MIRL against GRPO-16 alone, at the v4 rows' size and at the wasm grid's (16 prompts, MIRL's
 * MI scored by the frozen warm start), each against its own GRPO-16 row.
 */
export const MIRL_ARMS: { shape: string; config: RLConfig }[] = [
  RL_STEP_CONFIGS[0],
  RL_STEP_CONFIGS.find((r) => r.config.algo === 'mirl')!,
  { shape: 'grpo G16 P16', config: { ...BASE, batchPrompts: 16, algo: 'grpo', G: 16 } },
  {
    shape: 'mirl N10 k6 P16 frozen scorer',
    config: { ...BASE, batchPrompts: 16, algo: 'mirl', miScorer: 'warmstart' },
  },
];

/**
 * `steps` measured steps after one warm-up step (pipelines compile there); the row is their
 * mean. Every row trains on the same prompts (same seed, same steps), so tokens compare too.
 */
export async function rlStepRows(
  be: WebGpuBackend,
  checkpointUrl: string,
  steps: number,
  configs = RL_STEP_CONFIGS,
): Promise<RLStepRow[]> {
  const ck = await fetchCheckpoint(checkpointUrl);
  const ctx = be.ctx;
  const rows: RLStepRow[] = [];
  for (const { shape, config } of configs) {
    const trainer = new RLTrainer(be, config, ck);
    try {
      await trainer.trainStep();
      const measured: RLStepRow[] = [];
      for (let s = 0; s < steps; s++) {
        const before = { d: ctx.dispatches, s: ctx.submits, r: ctx.readbacks };
        const t0 = performance.now();
        const { metrics: m } = await trainer.trainStep();
        await be.sync();
        const wall = performance.now() - t0;
        measured.push(
          row(shape, wall, m, { d: ctx.dispatches - before.d, s: ctx.submits - before.s, r: ctx.readbacks - before.r }),
        );
      }
      rows.push(meanRow(measured));
    } finally {
      trainer.free();
    }
  }
  // each row against the first row of its size (prompts per step): GRPO-16's, first of each size
  rows.forEach((r, i) => {
    const ref = rows[configs.findIndex((c) => c.config.batchPrompts === configs[i].config.batchPrompts)];
    r.ratio = r.ours_ms / ref.ours_ms;
  });
  return rows;
}

function meanRow(rs: RLStepRow[]): RLStepRow {
  const m = (f: (r: RLStepRow) => number) => rs.reduce((a, r) => a + f(r), 0) / rs.length;
  const phases = Object.keys(rs[0].phase_ms) as (keyof RLStepRow['phase_ms'])[];
  return {
    ...rs[0],
    ours_ms: m((r) => r.ours_ms),
    phase_ms: Object.fromEntries(phases.map((k) => [k, m((r) => r.phase_ms[k])])) as RLStepRow['phase_ms'],
    generated_tokens: m((r) => r.generated_tokens),
    forward_tokens: m((r) => r.forward_tokens),
    dispatches: m((r) => r.dispatches),
    submits: m((r) => r.submits),
    readbacks: m((r) => r.readbacks),
  };
}

function row(shape: string, wall: number, m: StepMetrics, c: { d: number; s: number; r: number }): RLStepRow {
  const p = m.phase_ms;
  return {
    kernel: 'rl step',
    shape,
    ours_ms: wall,
    phase_ms: { sample: p.sample, score: p.score, fork: p.fork, update: p.update, metrics: p.metrics ?? 0 },
    generated_tokens: m.generated_tokens,
    forward_tokens: m.forward_tokens,
    dispatches: c.d,
    submits: c.s,
    readbacks: c.r,
  };
}

/**
 * The teaching comparison's cost (`--only teaching`): one step of each algorithm arm at its size, held-out
 * evaluation off (ratios against GRPO's), then one held-out evaluation of the warm start at the
 * arms' held-out size; a run is steps x its step plus (steps / heldoutEvery + 1) evaluations.
 */
export async function teachingRows(be: WebGpuBackend, checkpointUrl: string, steps: number): Promise<RLStepRow[]> {
  // the task arms are GRPO-16 on another mix, some from another warm start: the GRPO row times them
  const arms = comparisonArms().filter((a) => a.kind === 'algorithm');
  const rows = await rlStepRows(
    be,
    checkpointUrl,
    steps,
    arms.map((a) => ({ shape: `${a.name} P${a.config.batchPrompts}`, config: { ...a.config, heldoutEvery: 0 } })),
  );
  const cfg = arms[0].config;
  const trainer = new RLTrainer(be, cfg, await fetchCheckpoint(checkpointUrl));
  try {
    const ctx = be.ctx;
    const before = { d: ctx.dispatches, s: ctx.submits, r: ctx.readbacks };
    const t0 = performance.now();
    await heldoutOf(trainer.model, cfg);
    await be.sync();
    const wall = performance.now() - t0;
    rows.push({
      kernel: 'rl step',
      shape: `held-out evaluation ${cfg.heldoutCount} x ${cfg.heldoutSamples}`,
      ours_ms: wall,
      phase_ms: { sample: 0, score: 0, fork: 0, update: 0, metrics: wall },
      generated_tokens: 0,
      forward_tokens: 0,
      dispatches: ctx.dispatches - before.d,
      submits: ctx.submits - before.s,
      readbacks: ctx.readbacks - before.r,
      ratio: wall / rows[0].ours_ms,
    });
  } finally {
    trainer.free();
  }
  return rows;
}
