// PEARL's checklist, probe draw, advantage shaping and probe groups, on hand-checked cases.
import { describe, expect, it } from 'vitest';
import { perceptionChecklist } from '../../tasks/families';
import { generateProblem } from '../../tasks/problem';
import { canonicalObjects } from '../../tasks/scene';
import type { TrainBatch } from '../batch';
import { pearlShape, probeProblem, trimExempt } from './pearl';

describe('PEARL', () => {
  it("the checklist's answers are the scene's: re-derived from its objects", () => {
    for (let i = 0; i < 60; i++) {
      const scene = generateProblem(77, i).scenes[0];
      const objs = canonicalObjects(scene);
      const items = perceptionChecklist(scene);
      expect(items.length).toBeGreaterThanOrEqual(4); // one count per colour at least
      for (const item of items) {
        const w = item.question.split(' ');
        if (item.question.startsWith('what color is the')) {
          const [size, shape] = [w[4], w[5]];
          const hits = objs.filter((o) => o.size === size && o.shape === shape);
          expect(hits.map((o) => o.color)).toEqual([item.answer]);
        } else if (item.question.startsWith('what shape is the')) {
          const [size, color] = [w[4], w[5]];
          const hits = objs.filter((o) => o.size === size && o.color === color);
          expect(hits.map((o) => o.shape)).toEqual([item.answer]);
        } else {
          expect(item.question).toMatch(/^how many (red|green|blue|yellow) objects are there \?$/);
          expect(Number(item.answer)).toBe(objs.filter((o) => o.color === w[2]).length);
        }
      }
    }
  });

  it("a probe is one checklist item of the prompt's first scene, drawn from (seed, step, prompt) only", () => {
    const p = generateProblem(5, 3);
    const a = probeProblem(p, 1, 7, 2);
    expect(probeProblem(p, 1, 7, 2)).toEqual(a);
    expect(perceptionChecklist(p.scenes[0]).map((x) => x.question)).toContain(a.question);
    expect(a.scenes).toEqual([p.scenes[0]]);
    const drawn = new Set(Array.from({ length: 40 }, (_, s) => probeProblem(p, 1, s, 2).question));
    expect(drawn.size).toBeGreaterThan(2);
    // about 30% of steps are exempt from trimming
    const exempt = Array.from({ length: 2000 }, (_, s) => trimExempt(3, s)).filter(Boolean).length;
    expect(exempt / 2000).toBeGreaterThan(0.26);
    expect(exempt / 2000).toBeLessThan(0.34);
  });

  it('scales each group by max(0.5, probe accuracy); trims a group with none right; no perception advantage', () => {
    const b = {
      prompts: 3,
      perPrompt: 1,
      adv: [[1, -1], [2], [4]],
      mask: [[1, 1], [1], [1]],
      advAns: [1, 2, 4],
      advPerc: [0.3, 0.3, 0.3],
    } as unknown as TrainBatch;
    const out = pearlShape(b, [0.75, 0.25, 0], true);
    expect(out.adv).toEqual([[0.75, -0.75], [1], [0]]);
    expect(out.advAns).toEqual([0.75, 1, 0]);
    expect(out.mask).toEqual([[1, 1], [1], [0]]);
    expect(out.advPerc).toEqual([0, 0, 0]);
    // an exempt step keeps the failed group at the floor
    expect(pearlShape(b, [0.75, 0.25, 0], false).adv[2]).toEqual([2]);
  });
});
