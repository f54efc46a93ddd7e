// Tests only: run files built by hand, each field set, for the unit tests of the importer (runFile.test.ts), the
// run store's tests and the end-to-end specs that import a run (e2e/firstMinute.spec.ts). One builder, so that a field
// added to the metrics or the records is added here once and every crafted file stays one the importer accepts.
import type { HeldoutFigures } from '../model/evaluate';
import { DEFAULT_RL } from './config';
import { exportRun } from './runFile';
import type { PromptRecord, StepMetrics, TrajectoryRecord } from './types';

/** Held-out figures, sampled and greedy, with the ground-truth description NLL `nll`. */
export const heldoutFigures = (nll = 0.17): HeldoutFigures => ({
  count: 256,
  sampled: {
    k: 4,
    temperature: 1,
    top_p: 1,
    desc_exact: 0.16,
    desc_f1: 0.52,
    answer_acc: 0.45,
    lucky: 0.35,
    se: { desc_exact: 0.02, desc_f1: 0.01, answer_acc: 0.02, lucky: 0.02 },
  },
  greedy: { desc_exact: 0.3, desc_f1: 0.65, answer_acc: 0.49 },
  gt_desc_nll: nll,
});

/** Step `step`'s metrics, every field filled; KL measured every 10 steps, answer accuracy rising 0.001 a step. */
export function stepMetrics(step: number, o: Partial<StepMetrics> = {}): StepMetrics {
  return {
    step,
    answer_acc: 0.4 + 0.001 * step,
    perception_acc: 0.2,
    desc_f1: 0.6,
    mean_mi: 1.2,
    mi_auc: null,
    mi_group_auc: null,
    reward_blind_frac: 0.1,
    lucky_guesses: 1,
    generated_tokens: 3000,
    forward_tokens: 9000,
    complete_trajectories: 96,
    step_ms: 1000,
    phase_ms: { sample: 1, score: 2, fork: 3, update: 4, metrics: 5 },
    loss: 0.01,
    kl: step % 10 === 0 ? 0.001 * (1 + step) : null,
    entropy: 1.1,
    grad_norm: 0.3,
    lr: 1e-4,
    updates: 1,
    zero_std_frac: 0.25,
    ...o,
  };
}

/** A trajectory: its description tokens' advantage `adv`, right and kept unless `o` says otherwise. */
export function trajectory(o: Partial<TrajectoryRecord> & { adv: number }): TrajectoryRecord {
  const { adv, ...rest } = o;
  const description = o.description ?? ['small', 'red', 'circle', 'top', 'left'];
  const n = description.length + 3;
  return {
    description,
    continuation: ['<reason>', '</reason>', '<ans>'],
    mi: 1,
    kept: true,
    rAns: 1,
    rPerc: 1,
    advPerc: 0,
    advAns: 0,
    perceptionRight: true,
    answerRight: true,
    descF1: 1,
    tokAdv: Array.from({ length: n }, () => adv),
    tokLogp: Array.from({ length: n }, () => -1),
    tokEntropy: Array.from({ length: n }, () => 1),
    tokDep: Array.from({ length: n }, () => 0),
    ...rest,
  };
}

/** A recorded prompt of step `o.step` (0 unless given): a counting question with one right trajectory unless given. */
export function promptRecord(o: Partial<PromptRecord> = {}): PromptRecord {
  return {
    step: 0,
    index: 0,
    family: 'count',
    question: 'how many red objects are there ?',
    answer: '1',
    groundTruthDescription: 'small red circle top left',
    taskSeed: 1,
    taskIndex: 0,
    trajectories: [trajectory({ adv: 0.5 })],
    ...o,
  };
}

/**
 * A 60-step MIRL run as a run file: KL measured every 10 steps, a narrow held-out NLL (at the start and every 20
 * steps), and two recorded prompts of step 60 whose trajectories show a gated R_perc, a reward-blind push and a
 * dropped fork.
 */
export function craftedMirlRun(label: string): string {
  const metrics = Array.from({ length: 60 }, (_, s) =>
    stepMetrics(s, {
      ...(s === 0 ? { heldout_start: heldoutFigures(0.1712) } : {}),
      ...((s + 1) % 20 === 0 ? { heldout: heldoutFigures(0.1712 + 0.0002 * s) } : {}),
    }),
  );
  const rec = promptRecord({
    step: 59,
    trajectories: [
      trajectory({ adv: 0.5, mi: 3.1, rPerc: 3.1 }),
      // a malformed description with a high MI: the gate gave it the group's lowest score
      trajectory({
        adv: -0.8,
        mi: 16.08,
        rPerc: 6.54,
        gated: true,
        perceptionRight: false,
        description: [',', ',', ','],
      }),
      // a wrong description pushed up: reward-blind
      trajectory({ adv: 0.7, mi: 2.2, rPerc: 2.2, perceptionRight: false, description: ['large', 'blue', 'square'] }),
      trajectory({
        adv: -0.4,
        mi: 1.9,
        rPerc: 1.9,
        kept: false,
        rAns: null,
        answerRight: null,
        perceptionRight: false,
        continuation: [],
      }),
    ],
  });
  return exportRun(label, { ...DEFAULT_RL, algo: 'mirl', recordPrompts: 2 }, metrics, [rec, { ...rec, index: 1 }]);
}
