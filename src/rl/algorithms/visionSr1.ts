// Vision-SR1: G complete trajectories per prompt; the perception reward is
// whether the model, given only its own description (image removed), answers
// right. Decoupled advantages: perception on the description, answer on the rest.

import type { TinyVLM } from '../../model/tinyvlm';
import type { RLConfig } from '../config';
import { labelRow } from '../rewards';
import { ANS_END, DESC_END, sampleRows, type StepPrompts } from '../rollout';
import { SEG_PERC } from '../update';
import { decoupledSegments, fullRollout, fullTrajectories } from './fullTrajectories';
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
  const blind = f.rows.map((r, i) => ({
    ...r,
    images: r.images.map(() => ({ kind: 'null' as const })),
    ids: [...r.ids, ...f.desc[i], DESC_END],
  }));
  // a separate RNG row range keeps re-answering independent of the trajectories
  const re = await sampleRows(
    model,
    { rows: blind, images: [], rowIds: blind.map((_, i) => 1_000_000 + i) },
    { stop: ANS_END, maxNew: cfg.maxAnswerTokens, cfg, step },
  );
  const G = cfg.G;
  const rPerc = f.rows.map((_, i) => {
    const p = prompts.problems[Math.floor(i / G)];
    return labelRow(p, f.desc[i], [...f.desc[i], DESC_END, ...re.tokens[i]]).answerRight ? 1 : 0;
  });
  const t1 = performance.now();
  return fullRollout(f, prompts, cfg, {
    seg: decoupledSegments(f),
    descSegment: SEG_PERC,
    rPerc,
    extra: {
      generatedTokens: re.tokens.reduce((a, t) => a + t.length, 0),
      forwardTokens: re.forwardTokens,
      fork: t1 - t0,
    },
  });
}
