// What the compiler said of the custom reward's source: the editor marks the error at its line, and Start is not
// offered on code that does not compile (the run would fail at once). Written by the editor as the worker answers.

import { create } from 'zustand';
import type { CodeProblem } from '../../worker/rewardCheckProtocol';

interface RewardCompileState {
  /** The source the answer is about (null: none asked yet); an answer for another source says nothing of this one. */
  source: string | null;
  problem: CodeProblem | null;
  answered(source: string, problem: CodeProblem | null): void;
}

export const useRewardCompile = create<RewardCompileState>()((set) => ({
  source: null,
  problem: null,
  answered: (source, problem) => set({ source, problem }),
}));

/** The compile problem of `source`, where the compiler has answered for it. */
export const problemOf = (s: Pick<RewardCompileState, 'source' | 'problem'>, source: string): CodeProblem | null =>
  s.source === source ? s.problem : null;
