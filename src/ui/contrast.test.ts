import { describe, expect, it } from 'vitest';
import { contrastRatio, readableOn } from './contrast';

describe('contrast', () => {
  it("matches WCAG's figures: black on white 21:1, #777 on white about 4.48:1", () => {
    expect(contrastRatio([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 6);
    expect(contrastRatio([0x77, 0x77, 0x77], [255, 255, 255])).toBeCloseTo(4.48, 2);
  });

  it('picks the text colour that reaches 4.5:1 on every tint of the token colours', () => {
    for (const rgb of [
      [37, 99, 235],
      [220, 38, 38],
      [147, 51, 234],
    ] as const) {
      for (let a = 0; a <= 1.0001; a += 0.05) {
        const bg = rgb.map((c) => a * c + (1 - a) * 255);
        const text = readableOn(rgb, a) === '#000' ? [0, 0, 0] : [255, 255, 255];
        expect(contrastRatio(bg, text)).toBeGreaterThanOrEqual(4.5);
      }
    }
    expect(readableOn([37, 99, 235], 0)).toBe('#000');
    expect(readableOn([37, 99, 235], 1)).toBe('#fff');
  });
});
