// One line per step, and per held-out evaluation, for the scripts' logs.

import type { HeldoutFigures } from '../../src/model/evaluate';
import type { StepMetrics } from '../../src/rl/types';

const f3 = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(3));

/** "held-out (256 x 4 samples): F1 0.519 ± 0.011 exact 0.158 ± 0.015 answers ... lucky ... | greedy ... | GT NLL ..." */
export function heldoutLine(h: HeldoutFigures): string {
  const s = h.sampled;
  const sampled = s
    ? `sampled (${h.count} x ${s.k}): F1 ${f3(s.desc_f1)} ± ${f3(s.se.desc_f1)} exact ${f3(s.desc_exact)} ± ${f3(s.se.desc_exact)} answers ${f3(s.answer_acc)} ± ${f3(s.se.answer_acc)}${s.answer_score !== undefined && s.answer_score !== s.answer_acc ? ` answer score ${f3(s.answer_score)} ± ${f3(s.se.answer_score ?? NaN)}` : ''} lucky ${f3(s.lucky)} | `
    : `(${h.count} problems) `;
  return `held-out ${sampled}greedy F1 ${f3(h.greedy.desc_f1)} exact ${f3(h.greedy.desc_exact)} answers ${f3(h.greedy.answer_acc)} | GT NLL ${h.gt_desc_nll?.toFixed(4) ?? '–'}`;
}

/** A step's rollout figures, then its held-out figures where it has them. */
export function stepLine(m: StepMetrics, steps: number): string {
  const lift =
    m.fork_lift_exact !== undefined && m.fork_lift_exact !== null
      ? ` fork lift ${f3(m.fork_lift_exact)}/${f3(m.fork_lift_f1)}`
      : '';
  const line =
    `step ${m.step + 1}/${steps} answer ${f3(m.answer_acc)} perception ${f3(m.perception_acc)} F1 ${f3(m.desc_f1)} mi ${f3(m.mean_mi)}` +
    ` group auc ${f3(m.mi_group_auc)}${lift} blind ${f3(m.reward_blind_frac)} gen ${m.generated_tokens} ${(m.step_ms / 1000).toFixed(1)}s`;
  const start = m.heldout_start ? `\n  warm start ${heldoutLine(m.heldout_start)}` : '';
  return line + start + (m.heldout ? `\n  ${heldoutLine(m.heldout)}` : '');
}
