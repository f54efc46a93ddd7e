// A run as a file: config, per-step metrics and rollout records. Import checks
// the shape and says what is wrong instead of loading half a run.

import { validateRL, type RLConfig } from '../rl/config';
import type { PromptRecord, StepMetrics } from '../rl/types';
import { defaultsOfVersion, SCHEMA_VERSION } from './urlCodec';

export interface RunFile {
  kind: 'mirl-playground-run';
  version: number;
  label: string;
  config: RLConfig;
  metrics: StepMetrics[];
  records: PromptRecord[];
}

export function exportRun(label: string, config: RLConfig, metrics: StepMetrics[], records: PromptRecord[]): string {
  const f: RunFile = { kind: 'mirl-playground-run', version: SCHEMA_VERSION, label, config, metrics, records };
  return JSON.stringify(f);
}

export function importRun(text: string): RunFile {
  let f: Partial<RunFile>;
  try {
    f = JSON.parse(text) as Partial<RunFile>;
  } catch (e) {
    throw new Error(`not a run file: ${(e as Error).message}`);
  }
  if (f.kind !== 'mirl-playground-run') throw new Error('not a run file of the MIRL Playground');
  if (typeof f.version !== 'number' || f.version > SCHEMA_VERSION) throw new Error(`run file of schema v${f.version}; this playground reads v${SCHEMA_VERSION}`);
  if (!f.config || typeof f.config !== 'object') throw new Error('run file without a config');
  const base = defaultsOfVersion(f.version);
  if (!base) throw new Error(`run file of unknown schema version v${f.version}`);
  // settings an older version did not have take the values that reproduce its behaviour
  const config: RLConfig = { ...base, ...f.config };
  const errs = validateRL(config);
  if (Object.keys(errs).length) throw new Error(`run file config: ${Object.entries(errs).map(([k, v]) => `${k} must be ${v}`).join('; ')}`);
  if (!Array.isArray(f.metrics) || f.metrics.some((m) => typeof m?.step !== 'number')) throw new Error('run file metrics are not a list of steps');
  if (!Array.isArray(f.records)) throw new Error('run file records are not a list');
  return { kind: 'mirl-playground-run', version: f.version, label: String(f.label ?? 'imported'), config, metrics: f.metrics, records: f.records };
}
