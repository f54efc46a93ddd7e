// A run as a file: config, per-step metrics and rollout records. Import checks the
// whole file against a schema and refuses it with the first problem's path, so that
// a damaged or foreign file is a message, never half a run that breaks the page.
// A file may carry the trainer's kept state (base64 of src/rl/snapshot.ts's bytes),
// so that the run can be continued elsewhere.

import { z } from 'zod';
import { applyConfigDiff, configErrorMessages, validateRL, type RLConfig } from '../../rl/config';
import type { HeldoutFigures } from '../../model/evaluate';
import type { PromptRecord, StepMetrics } from '../../rl/types';
import { FAMILIES } from '../../tasks/families';
import { defaultsOfVersion, SCHEMA_VERSION } from './urlCodec';

export interface RunFile {
  kind: 'mirl-playground-run';
  version: number;
  label: string;
  config: RLConfig;
  metrics: StepMetrics[];
  records: PromptRecord[];
  /** The trainer's state after `step` steps, as base64: optional, flagged in the export. */
  snapshot?: { step: number; data: string };
}

const num = z.number();
const count = z.number().int().nonnegative();
const nullableNum = z.number().nullable();
const frac = z.number().min(0).max(1);

const heldoutFigures = z.object({
  count,
  sampled: z
    .object({
      k: count,
      temperature: num,
      top_p: num,
      desc_exact: frac,
      desc_f1: frac,
      answer_acc: frac,
      lucky: frac,
      se: z.object({ desc_exact: num, desc_f1: num, answer_acc: num, lucky: num }),
    })
    .nullable(),
  greedy: z.object({ desc_exact: frac, desc_f1: frac.nullable(), answer_acc: frac }),
  gt_desc_nll: nullableNum,
});
const legacyStart = z.object({ answer_acc: num, perception_acc: num });

// Fields added after v1 are optional: an older file is read as it was written.
const stepMetrics = z.object({
  step: count,
  answer_acc: num,
  perception_acc: num,
  desc_f1: num.optional(),
  mean_mi: nullableNum,
  mi_auc: nullableNum,
  mi_group_auc: nullableNum.optional(),
  reward_blind_frac: num,
  blind: z.object({ wrong: count, wrong_up: count, right: count, right_down: count, pairs: count, pair_wins: num }).optional(),
  lucky_guesses: count,
  generated_tokens: count,
  forward_tokens: count,
  complete_trajectories: count,
  step_ms: num,
  phase_ms: z.object({ sample: num, score: num, fork: num, update: num, metrics: num.optional() }),
  loss: num,
  kl: nullableNum,
  entropy: num,
  grad_norm: num,
  lr: num.optional(),
  updates: count.optional(),
  zero_std_frac: num.optional(),
  fork_lift_exact: nullableNum.optional(),
  fork_lift_f1: nullableNum.optional(),
  heldout_start: z.union([heldoutFigures, legacyStart]).optional(),
  heldout: heldoutFigures.optional(),
  // before v5: greedy figures alone, read as held-out figures without samples
  heldout_answer_acc: num.optional(),
  heldout_perception_acc: num.optional(),
  error: z.string().optional(),
});

/** A step as the trainer now reports it: a pre-v5 step's greedy-only held-out fields become HeldoutFigures without samples. */
function upgradeStep(m: z.infer<typeof stepMetrics>): StepMetrics {
  const { heldout_answer_acc: a, heldout_perception_acc: p, heldout_start: start, ...rest } = m;
  const greedyOnly = (answer_acc: number, desc_exact: number): HeldoutFigures => ({
    count: 0,
    sampled: null,
    greedy: { desc_exact, desc_f1: null, answer_acc },
    gt_desc_nll: null,
  });
  const out = { ...rest } as StepMetrics;
  if (start) out.heldout_start = 'perception_acc' in start ? greedyOnly(start.answer_acc, start.perception_acc) : start;
  if (a !== undefined && p !== undefined && !rest.heldout) out.heldout = greedyOnly(a, p);
  return out;
}

const trajectory = z.object({
  description: z.array(z.string()),
  continuation: z.array(z.string()),
  mi: nullableNum,
  kept: z.boolean(),
  gated: z.boolean().optional(),
  rAns: nullableNum,
  rPerc: num,
  advPerc: num,
  advAns: num,
  perceptionRight: z.boolean(),
  answerRight: z.boolean().nullable(),
  descF1: num.optional(),
  tokAdv: z.array(num),
  tokLogp: z.array(num),
  tokEntropy: z.array(num),
  tokDep: z.array(num),
});

const promptRecord = z.object({
  step: count,
  index: count,
  family: z.enum(FAMILIES),
  question: z.string(),
  answer: z.string(),
  groundTruthDescription: z.string(),
  taskSeed: count,
  taskIndex: count,
  trajectories: z.array(trajectory),
});

const runFileSchema = z.object({
  kind: z.literal('mirl-playground-run', { error: 'not a run file of the MIRL Playground' }),
  version: z.number().int().positive(),
  label: z.string().max(200).optional(),
  config: z.record(z.string(), z.unknown()),
  metrics: z.array(stepMetrics),
  records: z.array(promptRecord),
  snapshot: z.object({ step: count, data: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64') }).optional(),
});

export function exportRun(label: string, config: RLConfig, metrics: StepMetrics[], records: PromptRecord[], snapshot?: RunFile['snapshot']): string {
  const f: RunFile = { kind: 'mirl-playground-run', version: SCHEMA_VERSION, label, config, metrics, records, ...(snapshot ? { snapshot } : {}) };
  return JSON.stringify(f);
}

/** `where.what`: the first problem, named by its path in the file. */
function firstIssue(e: z.ZodError): string {
  const i = e.issues[0];
  const path = i.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
  return path ? `${path}: ${i.message}` : i.message;
}

/** The run in `text`, or an Error saying what is wrong with it (never anything else). */
export function importRun(text: string): RunFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`not a run file: ${(e as Error).message}`, { cause: e });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not a run file: not a JSON object');
  if ((raw as { kind?: unknown }).kind !== 'mirl-playground-run') throw new Error('not a run file of the MIRL Playground');
  const v = (raw as { version?: unknown }).version;
  if (typeof v === 'number' && v > SCHEMA_VERSION) throw new Error(`run file of schema v${v}; this playground reads up to v${SCHEMA_VERSION}`);
  const parsed = runFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`run file: ${firstIssue(parsed.error)}`);
  const f = parsed.data;
  const base = defaultsOfVersion(f.version);
  if (!base) throw new Error(`run file of unknown schema version v${f.version}`);
  const merged = applyConfigDiff(base, f.config);
  if (merged.unknown.length) throw new Error(`run file config has unknown settings: ${merged.unknown.join(', ')}`);
  const errs = validateRL(merged.config);
  if (Object.keys(errs).length) throw new Error(`run file config: ${configErrorMessages(errs).join('; ')}`);
  return {
    kind: 'mirl-playground-run',
    version: f.version,
    label: f.label ?? 'imported',
    config: merged.config,
    metrics: f.metrics.map(upgradeStep),
    records: f.records as PromptRecord[],
    ...(f.snapshot ? { snapshot: f.snapshot } : {}),
  };
}
