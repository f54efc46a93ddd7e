// Vision-SR1: G complete trajectories per prompt; the perception reward is
// whether the model, given only its own description (image removed), answers
// right. Decoupled advantages: perception on the description, answer on the rest.

import type { TinyVLM } from '../../model/tinyvlm';
import type { RLConfig } from '../config';
import type { StepPrompts } from '../rollout';
import { SEG_PERC } from '../update';
import { decoupledSegments, fullRollout, fullTrajectories } from './fullTrajectories';
import { blindAnswers } from './reanswer';
import type { AlgoRollout } from './types';

export async function visionSr1Rollout(
  model: TinyVLM,
  cfg: RLConfig,
  prompts: StepPrompts,
  step: number,
  scorer: TinyVLM = model,
): Promise<AlgoRollout> {
  const f = await fullTrajectories(model, cfg, prompts, step, { scorer, scoring: 'metric' });
  const t0 = performance.now();
  const problems = f.rows.map((_, i) => prompts.problems[Math.floor(i / cfg.G)]);
  const re = await blindAnswers(model, { rows: f.rows, desc: f.desc, problems }, cfg, step, false);
  const t1 = performance.now();
  return fullRollout(f, prompts, cfg, {
    seg: decoupledSegments(f),
    descSegment: SEG_PERC,
    rPerc: re.reward,
    extra: { generatedTokens: re.generatedTokens, forwardTokens: re.forwardTokens, fork: t1 - t0 },
  });
}
