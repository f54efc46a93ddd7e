// The rollout records of a step: every trajectory of the first few prompts,
// token by token, as the UI's rollout viewer and the run files show them.

import { tokenizer } from '../tasks/tokenizer';
import type { AlgoRollout } from './algorithms/types';
import type { PromptRecord, TrajectoryRecord } from './types';
import { SEG_NONE } from './batch';
import type { UpdateResult } from './update';

/** Whether a mask left out tokens of row i that its segments would train (VPPO's, DAPO's flat filter). */
const masked = (r: AlgoRollout, i: number) => r.batch.mask[i].some((m, j) => m === 0 && r.batch.seg[i][j] !== SEG_NONE);

/** The first `count` prompts of the step, each with all its trajectories. */
export function promptRecords(r: AlgoRollout, u: UpdateResult, step: number, count: number): PromptRecord[] {
  const rows = r.batch.rows;
  const N = r.batch.perPrompt;
  const miMeasured = r.depT > 0;
  const records: PromptRecord[] = [];
  for (let g = 0; g < Math.min(count, r.problems.length); g++) {
    const p = r.problems[g];
    const trajectories = Array.from({ length: N }, (_, j): TrajectoryRecord => {
      const i = g * N + j;
      const row = rows[i];
      const gen = row.ids.length - row.prefixLen;
      const at = (a: Float32Array, T: number) =>
        Array.from({ length: gen }, (_v, k) => a[i * T + row.prefixLen - 1 + k]);
      const l = r.labels[i];
      return {
        description: tokenizer.decodeWords(r.desc[i]),
        continuation: tokenizer.decodeWords(r.cont[i]),
        mi: miMeasured ? r.mi[i] : null,
        kept: r.batch.keep[i] === 1,
        gated: r.gated?.[i] ?? false,
        rAns: l.answerRight === null ? null : r.batch.rAns[i],
        rPerc: r.batch.rPerc[i],
        advPerc: r.batch.advPerc[i],
        advAns: r.batch.advAns[i],
        perceptionRight: l.perceptionRight,
        answerRight: l.answerRight,
        descF1: l.descF1,
        tokAdv: r.batch.adv[i],
        tokLogp: at(u.tokLogp, u.T),
        tokEntropy: at(u.tokEntropy, u.T),
        tokDep:
          r.tokenDep?.[i] ??
          Array.from({ length: gen }, (_v, k) =>
            miMeasured && k < r.desc[i].length ? r.dep[i * r.depT + row.prefixLen - 1 + k] : 0,
          ),
        ...(masked(r, i) ? { tokMask: r.batch.mask[i] } : {}),
      };
    });
    records.push({
      step,
      index: g,
      family: p.family,
      question: p.question,
      answer: p.answer,
      groundTruthDescription: p.description,
      taskSeed: p.seed,
      taskIndex: p.index,
      trajectories,
    });
  }
  return records;
}
