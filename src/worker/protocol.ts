// Messages between the page and the trainer worker. Data flows one way:
// config in, metrics and rollout records out.

import type { BackendKind } from '../backend/create';
import type { AdapterReport } from '../gpu/device';
import type { RLConfig } from '../rl/config';
import type { StepReport } from '../rl/types';

export type { BackendKind };

export type ToWorker =
  | { type: 'init'; config: RLConfig; checkpointUrl: string; backend: BackendKind }
  /** Run until `steps` total steps (the config's when absent) or a pause. */
  | { type: 'run'; untilStep?: number }
  | { type: 'pause' }
  | { type: 'step' };

export type FromWorker =
  | { type: 'progress'; what: string; loaded: number; total: number | null }
  | { type: 'ready'; backend: BackendKind; adapter: AdapterReport | null; params: number }
  | { type: 'step'; report: StepReport }
  /** What the trainer is doing within a step, for the page's status line. */
  | { type: 'phase'; phase: string; step: number }
  | { type: 'state'; running: boolean; step: number }
  | { type: 'recovered'; message: string; step: number }
  | { type: 'error'; message: string; fatal: boolean };
