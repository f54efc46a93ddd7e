// Messages between the page and the reward check worker: it compiles a custom reward to find
// its errors as the user types, and runs the reward check (ground truth against corrupted
// copies, per corruption class) before any training, off the page's thread.

import type { RLConfig } from '../rl/config';
import type { RewardCheckReport } from '../rl/rewardCheck';

export type ToRewardCheck =
  | { type: 'compile'; id: number; source: string; sandboxUrl: string }
  /** With config.rewardMI, the warm start is loaded (wasm backend) to score MI. */
  | {
      type: 'check';
      config: RLConfig;
      seed: number;
      count: number;
      sandboxUrl: string;
      checkpointUrl: string;
      wasmUrl: string;
    };

/** A problem with the code, and its line in the source where known. */
export interface CodeProblem {
  message: string;
  line: number | null;
}

export type FromRewardCheck =
  | { type: 'compiled'; id: number; problem: CodeProblem | null }
  | { type: 'progress'; done: number; total: number }
  | { type: 'report'; report: RewardCheckReport; ms: number }
  | { type: 'failed'; problem: CodeProblem };
