// How tokens are tinted by a per-token value (advantage, log-probability, entropy, visual dependency), and
// the legend that says what the tint means: shared by the playground's rollouts and the outside-run viewer.

import { readableOn } from './contrast';

export type ColorBy = 'advantage' | 'logp' | 'entropy' | 'dependency';

const COLOR_LEGEND: Record<ColorBy, [string, string, string]> = {
  advantage: ['rgba(220, 38, 38, 1)', 'pushed down (A ≤ -2)', 'pushed up (A ≥ 2)'],
  logp: ['rgba(255, 255, 255, 1)', 'likely (log p = 0)', 'unlikely (log p ≤ -4)'],
  entropy: ['rgba(255, 255, 255, 1)', 'certain (0 nats)', 'uncertain (≥ 3 nats)'],
  dependency: ['rgba(220, 38, 38, 1)', 'likelier without the image (≤ -3 nats)', 'relies on the image (≥ 3 nats)'],
};
const LEGEND_END: Record<ColorBy, string> = {
  advantage: 'rgba(37, 99, 235, 1)',
  logp: 'rgba(220, 38, 38, 1)',
  entropy: 'rgba(147, 51, 234, 1)',
  dependency: 'rgba(37, 99, 235, 1)',
};

export function ColorLegend({ by }: { by: ColorBy }) {
  const [from, left, right] = COLOR_LEGEND[by];
  const mid = by === 'advantage' || by === 'dependency' ? 'rgba(255, 255, 255, 1), ' : '';
  return (
    <span className="color-legend" data-testid="color-legend">
      {left}{' '}
      <span className="ramp" style={{ background: `linear-gradient(to right, ${from}, ${mid}${LEGEND_END[by]})` }} />{' '}
      {right}; exact values on hover
    </span>
  );
}

const BLUE = [37, 99, 235] as const;
const RED = [220, 38, 38] as const;
const PURPLE = [147, 51, 234] as const;

/** A token's tint, and the text colour that stays readable on it (WCAG AA). */
export function tokenStyle(v: number, by: ColorBy): { background: string; color: string } {
  let rgb: readonly [number, number, number];
  let a: number;
  if (by === 'advantage' || by === 'dependency') {
    a = Math.min(1, Math.abs(v) / (by === 'advantage' ? 2 : 3));
    rgb = v >= 0 ? BLUE : RED;
  } else if (by === 'logp') {
    a = Math.max(0, Math.min(1, -v / 4));
    rgb = RED;
  } else {
    a = Math.max(0, Math.min(1, v / 3));
    rgb = PURPLE;
  }
  return { background: `rgba(${rgb.join(', ')}, ${a})`, color: readableOn(rgb, a) };
}
