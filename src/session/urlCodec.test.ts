import { describe, expect, it } from 'vitest';
import { DEFAULT_RL } from '../rl/config';
import { decodeShare, encodeShare } from './urlCodec';

describe('share URL codec', () => {
  it('round-trips a config, compactly', () => {
    const c = { ...DEFAULT_RL, algo: 'grpo' as const, G: 6, seed: 42, families: ['count' as const, 'spatial' as const] };
    const h = encodeShare(c);
    expect(h.length).toBeLessThan(120);
    const d = decodeShare(h);
    expect(d.errors).toEqual([]);
    expect(d.config).toEqual(c);
    expect(d.run).toBe(true);
    expect(decodeShare(encodeShare(DEFAULT_RL, false))).toMatchObject({ config: DEFAULT_RL, run: false, errors: [] });
  });

  it('says what is wrong and keeps the defaults', () => {
    const cases: [string, RegExp][] = [
      ['#v=2&c=e30', /newer version/],
      ['#v=1&c=%%%', /not readable/],
      ['#v=1&c=' + btoa('{"k": 50}').replace(/=+$/, ''), /k must be/],
      ['#v=1&c=' + btoa('{"lr": "fast"}').replace(/=+$/, ''), /lr must be/],
      ['#v=1&c=' + btoa('{"bogus": 1}').replace(/=+$/, ''), /unknown settings: bogus/],
      ['#v=x', /schema version/],
      ['#v=1', /no config/],
    ];
    for (const [h, re] of cases) {
      const d = decodeShare(h);
      expect(d.errors.join(' '), h).toMatch(re);
      expect(d.config).toEqual(DEFAULT_RL);
      expect(d.run).toBe(false);
    }
    expect(decodeShare('')).toMatchObject({ present: false, errors: [] });
  });
});
