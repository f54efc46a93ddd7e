// What the RL tests train on the CPU reference: a TinyVLM one layer deep and 16 wide, its seeded initial weights, a
// run's sizes small enough for a test's step, and texts written out as a count problem's generated answers.

import type { Backend } from '../backend/backend';
import type { Checkpoint } from '../model/checkpoint';
import { TINYVLM_CONFIG, type ModelConfig } from '../model/config';
import { problemExample } from '../model/examples';
import { initParamData, Params } from '../model/params';
import { TinyVLM } from '../model/tinyvlm';
import { generateProblem } from '../tasks/problem';
import { tokenizer } from '../tasks/tokenizer';
import { SEG_ANS } from './batch';
import type { RLConfig } from './config';
import { DESC_END } from './rollout';

/** The tiny model, named after its test. */
export const tinyModel = (name: string): ModelConfig => ({
  ...TINYVLM_CONFIG,
  name,
  encDim: 16,
  encHeads: 2,
  dim: 16,
  heads: 2,
  layers: 1,
  encLayers: 1,
});

/** Its initial weights drawn from `seed`, as a warm start. */
export const tinyCheckpoint = (config: ModelConfig, seed = 1): Checkpoint => ({
  config,
  tensors: initParamData(config, seed),
  metadata: {},
});

/** A policy of that model on `be`, its weights drawn from `seed`. */
export const tinyPolicy = (be: Backend, config: ModelConfig, seed: number): TinyVLM =>
  new TinyVLM(be, config, new Params(config, be, initParamData(config, seed)));

/** Two prompts per step, groups of 4 (MIRL: 2 of 4 forks), short descriptions and answers. */
export const SMALL_RUN: Partial<RLConfig> = { N: 4, k: 2, G: 4, batchPrompts: 2, maxDescTokens: 8, maxAnswerTokens: 6 };

/** A count problem's prompt (seed 3) with each text generated after it, closed by </desc>, every token an answer's. */
export function answerRows(config: ModelConfig, texts: readonly string[]) {
  const ex = problemExample(generateProblem(3, 0, { families: ['count'] }), config);
  const gen = texts.map((t) => [...tokenizer.encode(t), DESC_END]);
  return {
    gen,
    rows: gen.map((g) => ({ ...ex.row, ids: [...ex.row.ids, ...g] })),
    images: ex.images,
    seg: gen.map((g) => g.map(() => SEG_ANS)),
  };
}
