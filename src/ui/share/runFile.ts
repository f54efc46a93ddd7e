// A run as a file: config, per-step metrics and rollout records. Import checks the
// whole file against a schema and refuses it with the first problem's path, so that
// a damaged or foreign file is a message, never half a run that breaks the page.
// A file may carry the trainer's kept state (base64 of src/rl/snapshot.ts's bytes),
// so that the run can be continued elsewhere.

import { z } from 'zod';
import { applyConfigDiff, configErrorMessages, DEFAULT_RL, validateRL, type RLConfig } from '../../rl/config';
import { heldoutFiguresSchema, type HeldoutFigures } from '../../model/evaluate';
import {
  promptRecordSchema,
  stepMetricsSchema,
  trajectoryRecordSchema,
  type PromptRecord,
  type StepMetrics,
} from '../../rl/types';
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

// The trainer's own schemas (src/rl/types.ts), with what older files lack made optional: an older file is read as it
// was written, and a field the trainer reports is never dropped on import.
const legacyStart = z.object({ answer_acc: num, perception_acc: num });
const nonFinite = z.union([num, z.null().transform(() => NaN)]);
const stepMetrics = stepMetricsSchema
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
function upgradeStep(m: z.infer<typeof stepMetrics>): StepMetrics {
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

const promptRecord = promptRecordSchema.extend({
  trajectories: z.array(trajectoryRecordSchema.partial({ descF1: true })),
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

export function exportRun(
  label: string,
  config: RLConfig,
  metrics: StepMetrics[],
  records: PromptRecord[],
  snapshot?: RunFile['snapshot'],
): string {
  const f: RunFile = {
    kind: 'mirl-playground-run',
    version: SCHEMA_VERSION,
    label,
    config,
    metrics,
    records,
    ...(snapshot ? { snapshot } : {}),
  };
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
/** Control characters other than the whitespace JSON allows: in a text file, never; in a binary one, within the first bytes. */
function hasControlBytes(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 9 || (c > 13 && c < 32)) return true;
  }
  return false;
}

export function importRun(text: string): RunFile {
  // a binary file read as text: its bytes must not reach the notice (nor would the parser's message be of use)
  if (hasControlBytes(text.slice(0, 4096)))
    throw new Error('not a run file: this is a binary file, not the JSON text a run is exported as');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // the parser quotes the text it stopped at: kept short and printable
    const why = (e as Error).message.replace(/[^\x20-\x7e]/g, '?');
    throw new Error(`not a run file: not JSON (${why.length > 100 ? `${why.slice(0, 100)}…` : why})`, { cause: e });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error('not a run file: not a JSON object');
  if ((raw as { kind?: unknown }).kind !== 'mirl-playground-run')
    throw new Error('not a run file of the MIRL Playground');
  const v = (raw as { version?: unknown }).version;
  if (typeof v === 'number' && v > SCHEMA_VERSION)
    throw new Error(`run file of schema v${v}; this playground reads up to v${SCHEMA_VERSION}`);
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
