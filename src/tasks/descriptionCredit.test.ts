import { describe, expect, it } from 'vitest';
import { CounterRng, Streams } from '../lib/rng';
import { corruptions } from './corrupt';
import { descriptionCredit } from './descriptionCredit';
import { describe as describeScenes } from './language';
import { generateProblem, type Problem } from './problem';
import { words } from './tokenizer';
import { scoreDescription } from './verifier';
import { VOCAB } from './vocab';

const problems: Problem[] = Array.from({ length: 200 }, (_, i) => generateProblem(77, i));
const rightObjects = (c: ReturnType<typeof descriptionCredit>) =>
  c.units.filter((u) => u.kind === 'object' && u.right).length;
const wrong = (c: ReturnType<typeof descriptionCredit>) => c.units.filter((u) => !u.right);

describe('description credit, word by word', () => {
  it('the ground truth: every unit right, one unit per object, every word and the close credited', () => {
    expect(problems.some((p) => p.scenes.length > 1)).toBe(true);
    for (const p of problems) {
      const w = words(describeScenes(p.scenes));
      const c = descriptionCredit(w, true, p);
      expect(wrong(c)).toEqual([]);
      expect(c.units.filter((u) => u.kind === 'object').length).toBe(
        p.scenes.reduce((a, s) => a + s.objects.length, 0),
      );
      expect(c.tokenUnit.length).toBe(w.length + 1);
      expect(c.tokenUnit.every((u) => u >= 0 && u < c.units.length)).toBe(true);
    }
  });

  it("damaged copies: right objects are the verifier's true positives, all right only when exact, and the damage lands where it is", () => {
    const seen = new Set<string>();
    for (const p of problems) {
      for (const d of corruptions(p, new CounterRng(5, Streams.corrupt, 0, p.index)).copies) {
        const closed = d.cls !== 'truncate';
        const c = descriptionCredit(d.words, closed, p);
        const s = scoreDescription(d.words, p);
        expect(rightObjects(c)).toBe(s.truePositives);
        if (closed) expect(wrong(c).length === 0).toBe(s.exact);
        const bad = wrong(c);
        seen.add(d.cls);
        // one object phrase is wrong (every phrase, when a word is dropped from all); the separators and the close stay right
        if (d.cls === 'change_color' || d.cls === 'change_shape') expect(bad.map((u) => u.kind)).toEqual(['object']);
        if (d.cls === 'drop_size' || d.cls === 'drop_shape')
          expect(bad.length > 0 && bad.every((u) => u.kind === 'object')).toBe(true);
        if (d.cls === 'drop_object') expect(bad.map((u) => u.kind)).toEqual(['structure']); // stopped (or switched image) one object early
        if (d.cls === 'add_object' || d.cls === 'duplicate_object') {
          expect(bad.filter((u) => u.kind === 'object').length).toBe(1);
          expect(bad.filter((u) => u.kind === 'structure').length).toBe(2); // the comma that went on, and the stop that came late
        }
        if (d.cls === 'reorder') expect(bad).toEqual([]);
      }
    }
    expect(seen.size).toBeGreaterThanOrEqual(8);
  });

  it('any word sequence: no throw, one unit per credited word, nothing right that the verifier does not count', () => {
    const rng = new CounterRng(3, Streams.test, 0, 0);
    const pool = [...VOCAB, ',', ',', ';', ':', 'first', 'second'];
    for (let trial = 0; trial < 500; trial++) {
      const p = problems[trial % problems.length];
      const truth = words(describeScenes(p.scenes));
      // half from the truth with a few words swapped, half noise
      const w =
        trial % 2
          ? truth.map((x) => (rng.int(6) === 0 ? pool[rng.int(pool.length)] : x))
          : Array.from({ length: rng.int(30) }, () => pool[rng.int(pool.length)]);
      const closed = rng.int(4) > 0;
      const c = descriptionCredit(w, closed, p);
      expect(c.tokenUnit.length).toBe(w.length + (closed ? 1 : 0));
      expect(c.tokenUnit.every((u) => u >= 0 && u < c.units.length)).toBe(true);
      expect(rightObjects(c)).toBe(scoreDescription(w, p).truePositives);
    }
  });

  it('an empty description closed at once: only the close, and it is wrong', () => {
    const c = descriptionCredit([], true, problems[0]);
    expect(c).toEqual({ units: [{ kind: 'structure', right: false }], tokenUnit: [0] });
  });
});
