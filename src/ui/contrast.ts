// WCAG contrast: the text colour that stays readable on a token's tint.

/** Relative luminance of an sRGB colour (channels 0-255), as WCAG 2 defines it. */
function luminance([r, g, b]: readonly number[]): number {
  const lin = (c: number) => {
    const x = c / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Contrast ratio of two opaque colours, 1 to 21. */
export function contrastRatio(a: readonly number[], b: readonly number[]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Black or white, whichever reads better on `rgb` tinted at `alpha` over white (at least 4.5:1 either way). */
export function readableOn(rgb: readonly [number, number, number], alpha: number): '#000' | '#fff' {
  const bg = rgb.map((c) => alpha * c + (1 - alpha) * 255);
  return contrastRatio(bg, [0, 0, 0]) >= contrastRatio(bg, [255, 255, 255]) ? '#000' : '#fff';
}
