// The checks a run passes on its way back into the page (a run file, a run kept for a reload): the trainer's own
// schemas (types.ts), with what older files lack made optional, and the config merged and validated. Here, below the
// UI, so that the storage worker checks the runs it reads back off the page's thread.

import { z } from 'zod';
import { heldoutFiguresSchema, type HeldoutFigures } from '../model/evaluate';
import { applyConfigDiff } from './configVersions';
import { configErrorMessages, validateRL } from './configValidation';
import { DEFAULT_RL, type RLConfig } from './config';
import {
  promptRecordSchema,
  stepMetricsSchema,
  trajectoryRecordSchema,
  type PromptRecord,
  type StepMetrics,
} from './types';

const num = z.number();
const count = z.number().int().nonnegative();

// The trainer's own schemas (src/rl/types.ts), with what older files lack made optional: an older file is read as it
// was written, and a field the trainer reports is never dropped on import.
const legacyStart = z.object({ answer_acc: num, perception_acc: num });
const nonFinite = z.union([num, z.null().transform(() => NaN)]);
export const stepMetrics = stepMetricsSchema
  .partial({ desc_f1: true, mi_group_auc: true, lr: true, updates: true, zero_std_frac: true })
  .extend({
    // the step where a run stopped on a non-finite loss: JSON writes NaN as null, read back as NaN
    loss: nonFinite,
    grad_norm: nonFinite,
    entropy: nonFinite,
    heldout_start: z.union([heldoutFiguresSchema, legacyStart]).optional(),
    // before v5: greedy figures alone, read as held-out figures without samples
    heldout_answer_acc: num.optional(),
    heldout_perception_acc: num.optional(),
  });

/** A step as the trainer now reports it: a pre-v5 step's greedy-only held-out fields become HeldoutFigures without samples. */
export function upgradeStep(m: z.infer<typeof stepMetrics>): StepMetrics {
  const { heldout_answer_acc: a, heldout_perception_acc: p, heldout_start: start, ...rest } = m;
  const greedyOnly = (answer_acc: number, desc_exact: number): HeldoutFigures => ({
    count: 0,
    sampled: null,
    greedy: { desc_exact, desc_f1: null, answer_acc },
    gt_desc_nll: null,
  });
  // the fields older files lack stay absent: the charts draw no point for them
  const out = { ...rest } as StepMetrics;
  if (start) out.heldout_start = 'perception_acc' in start ? greedyOnly(start.answer_acc, start.perception_acc) : start;
  if (a !== undefined && p !== undefined && !rest.heldout) out.heldout = greedyOnly(a, p);
  return out;
}

export const promptRecord = promptRecordSchema.extend({
  trajectories: z.array(trajectoryRecordSchema.partial({ descF1: true })),
});

/** `where.what`: the first problem, named by its path in the file. */
export function firstIssue(e: z.ZodError): string {
  const i = e.issues[0];
  const path = i.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
  return path ? `${path}: ${i.message}` : i.message;
}

/** A run as the page keeps it for a reload: checked on the way back in like an imported file. */
export interface SavedRunBody {
  id: number;
  uid: string | null;
  label: string;
  backend: 'webgpu' | 'wasm' | 'cpu';
  config: RLConfig;
  metrics: StepMetrics[];
  records: PromptRecord[];
  status: string;
  step: number;
  error: string | null;
}

const savedRunSchema = z.object({
  id: count,
  uid: z.string().min(1).max(100).optional(),
  // a run renamed at length, or imported with a long label: the page keeps it whole
  label: z.string().max(1000),
  backend: z.enum(['webgpu', 'wasm', 'cpu']).optional(),
  config: z.record(z.string(), z.unknown()),
  metrics: z.array(stepMetrics),
  records: z.array(promptRecord),
  status: z.string().max(40),
  step: count,
  error: z.string().nullable().optional(),
});

/**
 * One run saved by this page for a reload (its config whole, in the page's schema), or an Error naming its first
 * problem: the same checks as an imported file's, so a damaged or foreign entry never half-restores.
 */
export function checkSavedRun(raw: unknown): SavedRunBody | Error {
  const parsed = savedRunSchema.safeParse(raw);
  if (!parsed.success) return new Error(firstIssue(parsed.error));
  const r = parsed.data;
  // a run saved before a setting existed lacks it: the current default fills it
  const merged = applyConfigDiff(DEFAULT_RL, r.config);
  if (merged.unknown.length) return new Error(`config has unknown settings: ${merged.unknown.join(', ')}`);
  const errs = validateRL(merged.config);
  if (Object.keys(errs).length) return new Error(`config: ${configErrorMessages(errs).join('; ')}`);
  return {
    id: r.id,
    uid: r.uid ?? null,
    label: r.label,
    backend: r.backend ?? 'webgpu',
    config: merged.config,
    metrics: r.metrics.map(upgradeStep),
    records: r.records as PromptRecord[],
    status: r.status,
    step: r.step,
    error: r.error ?? null,
  };
}
