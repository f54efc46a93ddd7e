// A run as a file: config, per-step metrics and rollout records. Import checks the
// whole file against a schema and refuses it with the first problem's path, so that
// a damaged or foreign file is a message, never half a run that breaks the page.
// A file may carry the trainer's kept state (base64 of src/rl/snapshot.ts's bytes),
// so that the run can be continued elsewhere.

import { z } from 'zod';
import { configErrorMessages, validateRL } from './configValidation';
import type { RLConfig } from './config';
import { applyConfigDiff, defaultsOfVersion, SCHEMA_VERSION } from './configVersions';
import { firstIssue, promptRecord, stepMetrics, upgradeStep } from './savedRun';
import type { PromptRecord, StepMetrics } from './types';

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

const count = z.number().int().nonnegative();

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
