import { describe, expect, it } from 'vitest';
import { CounterRng, Streams } from '../lib/rng';
import { CORRUPTIONS, corruptions } from './corrupt';
import { DEFAULT_FAMILIES } from './families';
import { generateProblem } from './problem';
import { words } from './tokenizer';
import { descriptionWellFormed, scoreDescription } from './verifier';

const problems = Array.from({ length: 140 }, (_, i) => generateProblem(5, i));

describe('corrupted descriptions', () => {
  it('the truth is the problem description, well formed and exact, for every family', () => {
    for (const p of problems) {
      const { truth } = corruptions(p, new CounterRng(1, Streams.corrupt, 0, p.index));
      expect(truth.join(' ')).toBe(p.description);
      expect(descriptionWellFormed(truth, p.scenes.length)).toBe(true);
      expect(scoreDescription(truth, p).exact).toBe(true);
    }
    expect(new Set(problems.map((p) => p.family))).toEqual(new Set(DEFAULT_FAMILIES));
  });

  it('every class damages what it names, and only reordering leaves the object set right', () => {
    const seen = new Set<string>();
    for (const p of problems) {
      const { truth, copies } = corruptions(p, new CounterRng(1, Streams.corrupt, 0, p.index));
      for (const c of copies) {
        seen.add(c.cls);
        expect(c.words.join(' ')).not.toBe(truth.join(' '));
        const s = scoreDescription(c.words, p);
        const wf = descriptionWellFormed(c.words, p.scenes.length);
        if (c.cls === 'reorder') {
          expect(s.exact).toBe(true); // the same objects: F1 rightly ignores order
          expect(wf).toBe(true);
        } else {
          expect(s.exact, `${c.cls}: ${c.words.join(' ')}`).toBe(false);
          expect(s.f1).toBeLessThan(1);
        }
        // damage that breaks the task language is what the gate must see
        if (['drop_shape', 'drop_size', 'duplicate_object', 'truncate'].includes(c.cls))
          expect(wf, `${c.cls}: ${c.words.join(' ')}`).toBe(false);
        if (['drop_object', 'add_object', 'change_color', 'change_shape', 'change_position'].includes(c.cls))
          expect(wf, c.cls).toBe(true);
        if (c.cls === 'add_object') expect(s.predicted).toBe(s.actual + 1);
        if (c.cls === 'change_position') expect(s.predicted).toBe(s.actual);
        if (c.cls === 'drop_object') expect(s.predicted).toBe(s.actual - 1);
      }
      // two-image problems: each scene is damaged in turn
      if (p.scenes.length === 2)
        expect(new Set(copies.filter((c) => c.cls === 'change_color').map((c) => c.scene))).toEqual(new Set([0, 1]));
    }
    expect(seen).toEqual(new Set(CORRUPTIONS));
  });

  it('is a function of the seed', () => {
    const p = problems[3];
    const a = corruptions(p, new CounterRng(7, Streams.corrupt, 0, p.index));
    const b = corruptions(p, new CounterRng(7, Streams.corrupt, 0, p.index));
    expect(a).toEqual(b);
  });

  it('the well-formedness check refuses what is not distinct, complete objects', () => {
    const ok = 'small red circle top left , large blue square middle center';
    expect(descriptionWellFormed(words(ok), 1)).toBe(true);
    for (const bad of [
      '',
      ', , , ,',
      'small red top left',
      'small red circle top left , small red circle top left',
      'small red circle top left , large blue square top left',
      'small red circle top left ,',
      'small red circle top left large',
    ]) {
      expect(descriptionWellFormed(words(bad), 1), bad).toBe(false);
    }
    expect(descriptionWellFormed(words(`first : ${ok} ; second : large red circle top left`), 2)).toBe(true);
    expect(descriptionWellFormed(words(`second : ${ok} ; first : large red circle top left`), 2)).toBe(false);
    expect(descriptionWellFormed(words(`first : ${ok}`), 2)).toBe(false);
    expect(descriptionWellFormed(words(`first : ${ok} ; second :`), 2)).toBe(false);
  });
});
