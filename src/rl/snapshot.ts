// A trainer's whole state as one safetensors file: the policy's weights, AdamW's
// moments and step, and the step counter. A step's randomness is a function of
// the seed and the step alone, so a trainer rebuilt from this continues exactly
// as one that never stopped. The frozen warm start (KL reference, MI scorer) is
// not copied: it is named by its fingerprint and must be the same checkpoint.

import type { Backend } from '../backend/backend';
import { FNV_START, fnv1a, hex32 } from '../lib/fnv';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../model/checkpoint';
import { paramSpecs } from '../model/params';
import type { RLConfig } from './config';
import { RLTrainer } from './trainer';

/** Bumped when what a snapshot holds or means changes; older ones are refused with a message. */
const SNAPSHOT_VERSION = 1;
const KIND = 'mirl-trainer-snapshot';

export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

export interface SnapshotInfo {
  version: number;
  /** Steps done: the next step the trainer runs. */
  step: number;
  adamStep: number;
  config: RLConfig;
  /** fingerprint() of the warm start the run began from. */
  warmStart: string;
}

/** FNV-1a (32-bit) over the model's parameter names and f32 bits, in spec order: which checkpoint this is. */
export function fingerprint(ck: Checkpoint): string {
  let h = FNV_START;
  for (const s of paramSpecs(ck.config)) {
    const t = ck.tensors.get(s.name);
    if (!t) throw new CheckpointError(`missing tensor ${s.name}`);
    h = fnv1a(new Uint8Array(t.buffer, t.byteOffset, t.byteLength), fnv1a(new TextEncoder().encode(s.name), h));
  }
  return hex32(h);
}

/** FNV-1a over the tensors' f32 bytes in map order: a run file's state damaged in transit is refused, not resumed. */
export function dataSum(tensors: Map<string, Float32Array>): string {
  let h = FNV_START;
  for (const t of tensors.values()) h = fnv1a(new Uint8Array(t.buffer, t.byteOffset, t.byteLength), h);
  return hex32(h);
}

/** The config as JSON with sorted keys, so that two equal configs compare equal whatever their key order. */
export function canonical(c: RLConfig): string {
  const o = c as unknown as Record<string, unknown>;
  return JSON.stringify(
    Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    ),
  );
}

/** The trainer's state now (between steps), as bytes. */
export async function takeSnapshot(t: RLTrainer, warmStart: string): Promise<Uint8Array> {
  if (t.stoppedReason) throw new SnapshotError(`a stopped run has no state to keep: ${t.stoppedReason}`);
  const tensors = await t.model.params.toHost();
  for (const [k, v] of await t.opt.toHost()) tensors.set(k, v);
  return encodeCheckpoint(t.model.config, tensors, {
    kind: KIND,
    snapshot_version: String(SNAPSHOT_VERSION),
    step: String(t.step),
    adam_step: String(t.opt.step),
    rl_config: canonical(t.cfg),
    warm_start: warmStart,
    data_fnv: dataSum(tensors),
  });
}

/** Reads the header's facts only (cheap): what the page lists and checks before a resume. */
export function snapshotInfo(bytes: Uint8Array): SnapshotInfo {
  let ck: Checkpoint;
  try {
    ck = decodeCheckpoint(bytes);
  } catch (e) {
    throw new SnapshotError(`the snapshot is unreadable: ${(e as Error).message}`);
  }
  return infoOf(ck).info;
}

function infoOf(ck: Checkpoint): { info: SnapshotInfo; ck: Checkpoint } {
  const m = ck.metadata;
  if (m.kind !== KIND) throw new SnapshotError('not a trainer snapshot (a plain checkpoint?)');
  const version = Number(m.snapshot_version);
  if (version !== SNAPSHOT_VERSION)
    throw new SnapshotError(
      `snapshot format v${m.snapshot_version}, this page reads v${SNAPSHOT_VERSION}: start the run again from its config`,
    );
  const step = Number(m.step);
  const adamStep = Number(m.adam_step);
  if (!Number.isInteger(step) || step < 0 || !Number.isInteger(adamStep) || adamStep < 0)
    throw new SnapshotError(`bad step counters (step ${m.step}, adam ${m.adam_step})`);
  let config: RLConfig;
  try {
    config = JSON.parse(m.rl_config) as RLConfig;
  } catch {
    throw new SnapshotError('the snapshot carries no readable run config');
  }
  if (typeof m.warm_start !== 'string' || !/^[0-9a-f]{8}$/.test(m.warm_start))
    throw new SnapshotError('the snapshot does not name its warm start');
  if (dataSum(ck.tensors) !== ck.metadata.data_fnv)
    throw new SnapshotError('the snapshot is damaged: its data does not match its checksum');
  return { info: { version, step, adamStep, config, warmStart: m.warm_start }, ck };
}

/** Checks a snapshot against the run it should continue; says what differs. */
export function readSnapshot(
  bytes: Uint8Array,
  expect: { config: RLConfig; warmStart: Checkpoint },
): { info: SnapshotInfo; weights: Checkpoint; moments: Map<string, Float32Array> } {
  let decoded: Checkpoint;
  try {
    decoded = decodeCheckpoint(bytes, expect.warmStart.config);
  } catch (e) {
    throw new SnapshotError(`the snapshot is unreadable: ${(e as Error).message}`);
  }
  const { info, ck } = infoOf(decoded);
  if (canonical(info.config) !== canonical(expect.config)) {
    const a = info.config as unknown as Record<string, unknown>;
    const b = expect.config as unknown as Record<string, unknown>;
    const diff = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
      (k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]),
    );
    throw new SnapshotError(
      `the snapshot is of another config (${diff.map((k) => `${k}: ${JSON.stringify(a[k])} vs ${JSON.stringify(b[k])}`).join(', ')})`,
    );
  }
  const ws = fingerprint(expect.warmStart);
  if (info.warmStart !== ws)
    throw new SnapshotError(
      `the snapshot's run began from another warm start (checkpoint ${info.warmStart}, this page ships ${ws})`,
    );
  const weights = new Map<string, Float32Array>();
  const moments = new Map<string, Float32Array>();
  for (const s of paramSpecs(ck.config)) {
    weights.set(s.name, ck.tensors.get(s.name)!);
    for (const k of [`opt.m.${s.name}`, `opt.v.${s.name}`]) {
      const t = ck.tensors.get(k);
      if (!t || t.length !== ck.tensors.get(s.name)!.length)
        throw new SnapshotError(`the snapshot lacks the optimiser state ${k}`);
      moments.set(k, t);
    }
  }
  return { info, weights: { config: ck.config, tensors: weights, metadata: {} }, moments };
}

/** A trainer on `be` in the state of the snapshot: the next trainStep() is the step it would have run. */
export function resumeTrainer(be: Backend, cfg: RLConfig, warmStart: Checkpoint, bytes: Uint8Array): RLTrainer {
  const { info, weights, moments } = readSnapshot(bytes, { config: cfg, warmStart });
  const t = new RLTrainer(be, cfg, weights, warmStart);
  t.step = info.step;
  t.opt.restore(moments, info.adamStep);
  return t;
}
