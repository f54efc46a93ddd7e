// Messages between the page and the trainer worker. Data flows one way:
// config in, metrics and rollout records out.

import type { BackendKind } from '../backend/create';
import { fnv1a, hex32 } from '../lib/fnv';
import type { AdapterReport } from '../gpu/device';
import type { RLConfig } from '../rl/config';
import type { StepReport } from '../rl/types';

export type { BackendKind };

export type ToWorker =
  /** `snapshot`: continue from this trainer state (a resume); `snapshotEvery`: keep the state every so many steps (and on pause and stop). */
  | {
      type: 'init';
      config: RLConfig;
      checkpointUrl: string;
      wasmUrl: string;
      /** The sandbox's QuickJS .wasm, bundled with the page (a custom reward runs in it). */
      sandboxUrl: string;
      backend: BackendKind;
      snapshot?: Uint8Array;
      snapshotEvery: number;
    }
  /** Run until `steps` total steps (the config's when absent) or a pause. */
  | { type: 'run'; untilStep?: number }
  | { type: 'pause' }
  | { type: 'step' }
  /** Keep the state if no step is in flight, then answer 'stopped' (the page ends the worker). */
  | { type: 'stop' };

export type FromWorker =
  | { type: 'progress'; what: string; loaded: number; total: number | null }
  | { type: 'ready'; backend: BackendKind; adapter: AdapterReport | null; params: number }
  | { type: 'step'; report: StepReport }
  /** What the trainer is doing within a step, for the page's status line. */
  | { type: 'phase'; phase: string; step: number }
  | { type: 'state'; running: boolean; step: number }
  | { type: 'recovered'; message: string; step: number }
  /**
   * The trainer's whole state after `step` steps (src/rl/snapshot.ts), for the page to store; `checksum` is
   * stateChecksum(bytes), worked out in the worker so that the page's thread does not go over megabytes for it.
   */
  | { type: 'snapshot'; step: number; bytes: Uint8Array; checksum: string }
  | { type: 'stopped' }
  /** `crashed`: the worker itself died (the page may resume the run from its kept state). */
  | { type: 'error'; message: string; fatal: boolean; crashed?: boolean };

/** A kept trainer state's checksum (FNV-1a, hex): stored beside its bytes, and checked when they are read back. */
export const stateChecksum = (bytes: Uint8Array): string => hex32(fnv1a(bytes));

/** The worker's 'snapshot' message: a copy of the state (the worker keeps its own, for a recovery), checksummed. */
export function snapshotMessage(step: number, bytes: Uint8Array): Extract<FromWorker, { type: 'snapshot' }> {
  return { type: 'snapshot', step, bytes: bytes.slice(), checksum: stateChecksum(bytes) };
}
