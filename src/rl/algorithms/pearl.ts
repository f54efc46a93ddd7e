// PEARL: G complete trajectories per prompt trained on the answer reward, anchored to
// perceptual evidence. Each prompt's scene gives a checklist of sub-questions it alone fixes
// ("what color is the large square ?", "how many red objects are there ?"); each step, G probe
// rollouts answer one of them, drawn per prompt. The group's probe accuracy (its share of
// right probe answers) scales the answer advantage, clamped to at least 0.5 as PEARL does; a
// prompt whose probes all fail is trimmed (trains nothing), except in a random 30% of steps;
// and the probe rollouts train too, as GRPO groups of their own with their advantages
// weighted by `pearlProbeWeight`. PEARL asks every sub-question in one probe rollout; this
// model answers one question at a time, so a step asks one per prompt.

import { CounterRng, Streams } from '../../lib/rng';
import { perceptionChecklist } from '../../tasks/families';
import { describe } from '../../tasks/language';
import type { Problem } from '../../tasks/problem';
import { promptsOf } from '../rollout';
import { SEG_ANS, type TrainBatch } from '../batch';
import { answerSegments, fullRollout, fullTrajectories } from './fullTrajectories';
import type { AlgoRollout, RolloutArgs } from './types';

/** PEARL's constants: the floor of the advantage factor, the accuracy at or below which a prompt is trimmed, the share of steps exempt. */
const PEARL = { floor: 0.5, trimAt: 0.01, exempt: 0.3 } as const;

/** Prompt g's probe at a step: one item of its first scene's checklist, drawn from the run seed. */
export function probeProblem(p: Problem, seed: number, step: number, g: number): Problem {
  const scene = p.scenes[0];
  const items = perceptionChecklist(scene);
  const item = items[new CounterRng(seed, Streams.probe, step, g).int(items.length)];
  return { ...p, ...item, scenes: [scene], description: describe([scene]) };
}

/** Whether a step is one of the random 30% that keep prompts whose probes all failed. */
export const trimExempt = (seed: number, step: number): boolean =>
  new CounterRng(seed, Streams.probe, step, 1 << 20).next() < PEARL.exempt;

/**
 * The answer advantages of each group scaled by max(floor, its probe accuracy); with `trim`, a group
 * whose accuracy is at most trimAt trains nothing. The records' perception advantage is 0: PEARL has none.
 */
export function pearlShape(b: TrainBatch, acc: readonly number[], trim: boolean): TrainBatch {
  const g = (i: number) => Math.floor(i / b.perPrompt);
  const factor = (i: number) => (trim && acc[g(i)] <= PEARL.trimAt ? 0 : Math.max(PEARL.floor, acc[g(i)]));
  return {
    ...b,
    mask: b.mask.map((m, i) => (factor(i) === 0 ? m.map(() => 0) : m)),
    adv: b.adv.map((a, i) => a.map((x) => Math.fround(x * factor(i)))),
    advAns: b.advAns.map((x, i) => Math.fround(x * factor(i))),
    advPerc: b.advPerc.map(() => 0),
  };
}

/** A batch with every advantage multiplied by w (a loss weight, for the policy-gradient term). */
const weighted = (b: TrainBatch, w: number): TrainBatch => ({
  ...b,
  adv: b.adv.map((a) => a.map((x) => Math.fround(w * x))),
  advAns: b.advAns.map((x) => Math.fround(w * x)),
});

export async function pearlRollout(args: RolloutArgs): Promise<AlgoRollout> {
  const { model, cfg, prompts, step } = args;
  const G = cfg.G;
  const f = await fullTrajectories(args, { scoring: 'metric' });
  const t0 = performance.now();
  const probes = promptsOf(
    prompts.problems.map((p, g) => probeProblem(p, cfg.seed, step, g)),
    model.config,
  );
  // probe rows draw on RNG lines of their own, and score no MI
  const pf = await fullTrajectories(
    { ...args, prompts: probes, scorer: model },
    { scoring: 'metric', rowOffset: 2_000_000, measureMI: false },
  );
  const right: number[] = pf.labels.map((l) => (l.answerRight ? 1 : 0));
  const acc = prompts.problems.map((_, g) => right.slice(g * G, (g + 1) * G).reduce((a, x) => a + x, 0) / G);
  const t1 = performance.now();
  const r = fullRollout(f, prompts, cfg, {
    seg: answerSegments(f),
    descSegment: SEG_ANS,
    // the records' R_perc: the group's probe accuracy (no perception segment trains on it)
    rPerc: f.rows.map((_, i) => acc[Math.floor(i / G)]),
    extra: {
      generatedTokens: pf.sampled.tokens.reduce((a, t) => a + t.length, 0),
      forwardTokens: pf.sampled.forwardTokens,
      fork: t1 - t0,
    },
  });
  // the probe rollouts as GRPO groups of their own: the answer reward on every token
  const probeBatch = fullRollout(pf, probes, cfg, {
    seg: answerSegments(pf),
    descSegment: SEG_ANS,
    rPerc: pf.rows.map(() => 0),
  }).batch;
  return {
    ...r,
    batch: {
      ...pearlShape(r.batch, acc, !trimExempt(cfg.seed, step)),
      aux: weighted(probeBatch, cfg.pearlProbeWeight),
    },
  };
}
