// The perception reward of descriptions, one code path for training and for
// the reward check: the MI score (aggregated and clipped as configured) or,
// for perception-r1, the object-level F1 against the scene's annotation; then
// the well-formedness gate per group. Group normalisation comes after
// (rewards.ts), as training applies it.

import type { SeqRow } from '../model/inputs';
import type { TinyVLM } from '../model/tinyvlm';
import type { Problem } from '../tasks/problem';
import { tokenizer } from '../tasks/tokenizer';
import { descriptionWellFormed, scoreDescription, type DescriptionScore } from '../tasks/verifier';
import type { RLConfig } from './config';
import { scoreDescriptions, type StepPrompts } from './rollout';

export interface PerceptionInput {
  /** Prompt rows extended by each description's tokens (without </desc>). */
  descRows: SeqRow[];
  images: readonly Float32Array[];
  promptImages: readonly number[][];
  /** Per row: its prompt's index, its problem, whether the description was closed by </desc>. */
  promptOf: readonly number[];
  problems: readonly Problem[];
  closed: readonly boolean[];
  /** Sizes of the consecutive groups the gate ranks within (training: N per prompt). */
  groups: readonly number[];
  /** Per row, the sampler's log p of each description token, when the scorer is the model that sampled them. */
  realLogp?: readonly (readonly number[])[];
}

/**
 * The perception input of rows sampled `groupSize` per prompt, in prompt order: each row's
 * prompt extended by its description; `logp`: the sampler's log-probs of the generated tokens.
 */
export function perceptionInput(
  prompts: StepPrompts,
  rows: readonly SeqRow[],
  split: readonly { desc: readonly number[]; closed: boolean }[],
  groupSize: number,
  logp?: readonly (readonly number[])[],
): PerceptionInput {
  return {
    descRows: rows.map((r, i) => ({ ...r, ids: [...r.ids, ...split[i].desc] })),
    images: prompts.images,
    promptImages: prompts.promptImages,
    promptOf: rows.map((_, i) => Math.floor(i / groupSize)),
    problems: prompts.problems,
    closed: split.map((s) => s.closed),
    groups: prompts.rows.map(() => groupSize),
    realLogp: logp?.map((l, i) => l.slice(0, split[i].desc.length)),
  };
}

export interface PerceptionScores {
  /** The score each row's perception reward is normalised from (gated). */
  score: number[];
  /** The MI score of each row (the configured aggregate; NaN where not measured), and its per-token visual dependency [rows * depT] (depT 0 where not measured). */
  mi: number[];
  dep: Float32Array;
  depT: number;
  wellFormed: boolean[];
  forwardTokens: number;
}

/** Whether row i's description is well formed (and closed). */
function wellFormedRows(inp: PerceptionInput): boolean[] {
  return inp.descRows.map(
    (r, i) =>
      inp.closed[i] &&
      descriptionWellFormed(
        tokenizer.decodeWords(r.ids.slice(r.prefixLen)),
        inp.problems[inp.promptOf[i]].scenes.length,
      ),
  );
}

/**
 * The gate, per group: a malformed row gets the group's lowest score
 * (strictly below every well-formed row, by the well-formed rows' spread or 1)
 * or the fixed floor; with no well-formed row, every row gets the floor.
 */
export function gateScores(
  raw: readonly number[],
  wellFormed: readonly boolean[],
  groups: readonly number[],
  cfg: Pick<RLConfig, 'percGate' | 'percGateFloor'>,
): number[] {
  if (cfg.percGate === 'off') return [...raw];
  const out = [...raw];
  let o = 0;
  for (const n of groups) {
    const idx = Array.from({ length: n }, (_, j) => o + j);
    const good = idx.filter((i) => wellFormed[i]).map((i) => raw[i]);
    let low = cfg.percGateFloor;
    if (cfg.percGate === 'lowest' && good.length > 0) {
      const lo = Math.min(...good);
      const hi = Math.max(...good);
      low = lo - Math.max(1, hi - lo);
    }
    for (const i of idx) if (!wellFormed[i]) out[i] = low;
    o += n;
  }
  return out;
}

/** Perception-R1's labelled score of one description. */
function labelledScore(d: Pick<DescriptionScore, 'f1' | 'exact'>, label: RLConfig['percLabel']): number {
  const exact = d.exact ? 1 : 0;
  return label === 'f1' ? d.f1 : label === 'exact' ? exact : d.f1 + exact;
}

/**
 * How a rollout scores its descriptions: 'mi', MI is the perception reward (MIRL); 'labelled', F1
 * against the scene is (Perception-R1); 'metric', MI is only measured (GRPO, Vision-SR1).
 */
export type PerceptionScoring = 'mi' | 'labelled' | 'metric';

/**
 * Scores the descriptions with `scorer` (the policy or the frozen warm start) as `cfg` says.
 * `measureMI: false` skips the MI passes where MI would only be a metric (mi is NaN, dep empty);
 * the labelled F1 needs no forward pass.
 */
export async function scorePerception(
  scorer: TinyVLM,
  cfg: RLConfig,
  inp: PerceptionInput,
  step: number,
  { scoring, measureMI = true }: { scoring: PerceptionScoring; measureMI?: boolean },
): Promise<PerceptionScores> {
  if (!measureMI && scoring === 'mi') throw new Error('scorePerception: an MI perception reward needs the MI passes');
  let mi: number[];
  let dep: Float32Array;
  let depT = 0;
  let forwardTokens = 0;
  if (measureMI) {
    const be = scorer.be;
    const s = scoreDescriptions(scorer, inp, cfg, step);
    const [miH, depH] = await Promise.all([be.read(s.mi), be.read(s.dep)]);
    be.free(s.mi);
    be.free(s.dep);
    mi = Array.from(miH);
    dep = depH;
    depT = s.T;
    forwardTokens = s.forwardTokens;
  } else {
    mi = inp.descRows.map(() => NaN);
    dep = new Float32Array(0);
  }
  const wellFormed = wellFormedRows(inp);
  const labelled = scoring === 'labelled';
  const raw = labelled
    ? inp.descRows.map((r, i) =>
        labelledScore(
          scoreDescription(tokenizer.decodeWords(r.ids.slice(r.prefixLen)), inp.problems[inp.promptOf[i]]),
          cfg.percLabel,
        ),
      )
    : mi;
  // F1 already scores a malformed description by what it gets right: no gate.
  const score = labelled || !measureMI ? raw : gateScores(raw, wellFormed, inp.groups, cfg);
  return { score, mi, dep, depT, wellFormed, forwardTokens };
}
