// The grounding rewards against answers whose scores are known by hand: a reward is a measurement,
// checked before anything is trained on it.
import { describe, expect, it } from 'vitest';
import { groundingScore, iou, multiGroundingScore, objectBox, parseBoxes, type Box } from './boxes';
import { generateProblem, targetCompletion } from './problem';
import { words } from './tokenizer';
import { labelCompletion } from './verifier';

const w = (s: string) => s.split(' ');

describe('boxes', () => {
  it('parse only integer boxes of the grid with positive width and height', () => {
    expect(parseBoxes(w('1 2 4 5'))).toEqual([[1, 2, 4, 5]]);
    expect(parseBoxes(w('1 2 4 5 ; 7 7 18 18'))).toEqual([
      [1, 2, 4, 5],
      [7, 7, 18, 18],
    ]);
    for (const bad of [
      '1 2 4',
      '1 2 4 5 6',
      '4 2 1 5',
      '1 5 4 5',
      '1 2 4 19',
      'red 2 4 5',
      '1 2 4 5 ;',
      '; 1 2 4 5',
      '',
    ])
      expect(parseBoxes(bad ? w(bad) : []), bad).toBeNull();
  });

  it('IoU by hand: itself 1, disjoint 0, half-shifted 1/3', () => {
    expect(iou([0, 0, 4, 4], [0, 0, 4, 4])).toBe(1);
    expect(iou([0, 0, 2, 2], [3, 3, 5, 5])).toBe(0);
    expect(iou([0, 0, 4, 2], [2, 0, 6, 2])).toBeCloseTo(1 / 3, 12);
  });

  it("Visual-RFT's IoU reward: greedy matching above 0.5, unmatched 0, over max(#truth, #predicted)", () => {
    const t: Box[] = [
      [0, 0, 4, 4],
      [6, 6, 10, 10],
    ];
    expect(groundingScore(t, t)).toEqual({ score: 1, right: true });
    // the order written does not matter when each box finds its own
    expect(groundingScore([t[1], t[0]], t)).toEqual({ score: 1, right: true });
    // one box a unit wider: IoU 16/20 = 0.8, the other exact
    expect(groundingScore([[0, 0, 5, 4], t[1]], t).score).toBeCloseTo((0.8 + 1) / 2, 12);
    expect(groundingScore([[0, 0, 5, 4], t[1]], t).right).toBe(true);
    // a missing box costs as much as a wrong one; an extra box dilutes
    expect(groundingScore([t[0]], t)).toEqual({ score: 0.5, right: false });
    expect(groundingScore([...t, [0, 8, 2, 10]], t).score).toBeCloseTo(2 / 3, 12);
    // the same box twice matches once
    expect(groundingScore([t[0], t[0]], t).score).toBeCloseTo(0.5, 12);
    // IoU at or below 0.5 is no match: half-shifted scores 0, not 1/3
    expect(groundingScore([[2, 0, 6, 4]], [[0, 0, 4, 4]])).toEqual({ score: 0, right: false });
    expect(groundingScore(null, t)).toEqual({ score: 0, right: false });
  });

  it("MIRG-RL's dual reward: half for the image, half for the box, and a box in the wrong image counts nothing", () => {
    const truth = { image: 'second', box: [3, 0, 7, 4] as Box };
    expect(multiGroundingScore(truth, truth)).toEqual({ score: 1, right: true });
    expect(multiGroundingScore({ image: 'first', box: truth.box }, truth)).toEqual({ score: 0, right: false });
    expect(multiGroundingScore({ image: 'second', box: [8, 8, 12, 12] }, truth)).toEqual({ score: 0.5, right: false });
    expect(multiGroundingScore({ image: 'second', box: [3, 0, 8, 4] }, truth).score).toBeCloseTo((1 + 0.8) / 2, 12);
    expect(multiGroundingScore(null, truth).score).toBe(0);
    // the halves are apart: the right image with a malformed box still earns the image's half
    expect(multiGroundingScore({ image: 'second', box: null }, truth)).toEqual({ score: 0.5, right: false });
    expect(multiGroundingScore({ image: 'first', box: null }, truth)).toEqual({ score: 0, right: false });
  });

  it("an object's box holds it: larger for large objects, inside the image", () => {
    const o = { shape: 'circle', color: 'red', size: 'large', x: 0.5, y: 0.5 } as const;
    const big = objectBox(o);
    const small = objectBox({ ...o, size: 'small' });
    expect(big[2] - big[0]).toBeGreaterThan(small[2] - small[0]);
    expect(objectBox({ ...o, x: 0.02, y: 0.98 })).toEqual([0, expect.any(Number), expect.any(Number), 18]);
  });

  it('the verifier scores generated answers of both families: truth 1, a shifted box partial, wrong words 0', () => {
    for (const family of ['grounding', 'multi_grounding'] as const) {
      for (let i = 0; i < 50; i++) {
        const p = generateProblem(7, i, { families: [family] });
        const full = words(targetCompletion(p));
        expect(labelCompletion(full, p)).toMatchObject({ answerRight: true, answerScore: 1 });
        const ans = full.indexOf('<ans>');
        // widen the last box by one unit on its right, where there is room
        const x1 = full.length - 3;
        const shifted = [...full];
        if (Number(full[x1]) < 18) {
          shifted[x1] = String(Number(full[x1]) + 1);
          const l = labelCompletion(shifted, p);
          expect(l.answerScore).toBeGreaterThan(0);
          expect(l.answerScore).toBeLessThan(1);
        }
        const garbled = [...full.slice(0, ans + 1), 'red', '</ans>'];
        expect(labelCompletion(garbled, p)).toMatchObject({ answerRight: false, answerScore: 0 });
        if (family === 'multi_grounding') {
          // the right image with no box: the image's half
          const imageOnly = [...full.slice(0, ans + 2), 'red', '</ans>'];
          expect(labelCompletion(imageOnly, p)).toMatchObject({ answerRight: false, answerScore: 0.5 });
        }
      }
    }
  });
});
