import { describe, expect, it } from 'vitest';
import type { DescriptionCredit } from '../tasks/descriptionCredit';
import { creditAdvantages } from './objectCredit';

const credit = (objects: boolean[], close: boolean): DescriptionCredit => ({
  units: [...objects.map((right) => ({ kind: 'object' as const, right })), { kind: 'structure', right: close }],
  // two words per object, then the close
  tokenUnit: [...objects.flatMap((_, u) => [u, u]), objects.length],
});

describe('object-credit advantages', () => {
  it("a right object gains and a wrong one loses, against its kind's rate in the group, scaled to unit spread", () => {
    const [a, b] = creditAdvantages([credit([true, true], true), credit([true, false], true)], 2, {
      advNormalize: 'std',
    });
    // objects: 3 of 4 right; closes: all right (advantage 0)
    const s = Math.sqrt((3 * 0.25 ** 2 + 0.75 ** 2) / 6);
    expect(a[0]).toBeCloseTo(0.25 / s, 4);
    expect(b[2]).toBeCloseTo(-0.75 / s, 4);
    expect(b[3]).toBe(b[2]);
    expect(a[4]).toBe(0);
    expect(creditAdvantages([credit([true, false], true)], 1, { advNormalize: 'none' })[0]).toEqual([
      0.5, 0.5, -0.5, -0.5, 0,
    ]);
  });

  it('groups are apart, and a group where every unit is right trains nothing', () => {
    const adv = creditAdvantages(
      [credit([true], true), credit([true], true), credit([false], false), credit([true], true)],
      2,
      { advNormalize: 'std' },
    );
    expect(
      adv
        .slice(0, 2)
        .flat()
        .every((x) => x === 0),
    ).toBe(true);
    expect(adv[2][0]).toBeLessThan(0);
    expect(adv[3][0]).toBeGreaterThan(0);
  });
});
