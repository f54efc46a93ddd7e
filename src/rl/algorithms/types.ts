import type { TinyVLM } from '../../model/tinyvlm';
import type { SeqRow } from '../../model/inputs';
import type { Problem } from '../../tasks/problem';
import type { RLConfig } from '../config';
import type { StepPrompts } from '../rollout';
import type { TrainBatch } from '../batch';

export interface RowLabel {
  perceptionRight: boolean;
  descF1: number;
  /** null for a pre-sample that was not continued. */
  answerRight: boolean | null;
  /** The answer's reward in [0, 1] (partial credit for the grounding families' boxes); null as answerRight. */
  answerScore: number | null;
  formatOk: boolean | null;
}

/** What an algorithm's rollout hands to the shared update, metrics and records. */
export interface AlgoRollout {
  batch: TrainBatch;
  problems: Problem[];
  /** Per row: generated description and continuation (token ids), MI score, labels. */
  desc: number[][];
  /** The segment whose advantage a description's tokens carry: perception, or (GRPO) the answer's. */
  descSegment: number;
  cont: number[][];
  mi: number[];
  /** [rows * depT]: per-token visual dependency of the description tokens (position t scores token t + 1). */
  dep: Float32Array;
  depT: number;
  labels: RowLabel[];
  /** Per row, per generated token: a visual dependency the records show instead of MI's (VPPO's k3 on every token). */
  tokenDep?: number[][];
  /** MIRL: rows whose malformed description the gate scored lowest (so the top-k could not keep them for their MI). */
  gated?: boolean[];
  generatedTokens: number;
  forwardTokens: number;
  completeTrajectories: number;
  phase: { sample: number; score: number; fork: number };
}

/** What one step's rollout reads, by name (the trainer gives every field). */
export interface RolloutArgs {
  /** The policy: it samples, and (scorer === model) its own log-probs serve MI's real pass. */
  model: TinyVLM;
  cfg: RLConfig;
  prompts: StepPrompts;
  step: number;
  /** MI's passes: the policy itself or the frozen warm start (config miScorer). */
  scorer: TinyVLM;
  /** The frozen warm start where the trainer keeps one (KL, MI by the warm start, a row's `warmStart`), else null. */
  warmStart: TinyVLM | null;
}

/** An algorithm's rollout: its batch with per-token advantages, the records' inputs and counts. */
export type Rollout = (a: RolloutArgs) => Promise<AlgoRollout>;

/** Descriptions to answer from alone: `rows[i]` is the prompt of `desc[i]`, the question `problems[i]`. */
export interface BlindQuestions {
  rows: readonly SeqRow[];
  desc: readonly (readonly number[])[];
  problems: readonly Problem[];
}

/** A description's perception reward, from `scorer` reading each alone (the reward check's hook). */
export type CheckReward = (scorer: TinyVLM, q: BlindQuestions, cfg: RLConfig) => Promise<number[]>;
