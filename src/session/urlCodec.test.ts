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
      ['#v=5&c=e30', /newer version/],
      ['#v=0&c=e30', /unknown schema version/],
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

  it('reads an older link against the defaults of its own schema version', () => {
    // {"algo":"grpo"} made under v1, whose default learning rate was 3e-4
    const v1 = decodeShare('#v=1&c=' + btoa('{"algo":"grpo"}').replace(/=+$/, '') + '&run=1');
    expect(v1.errors).toEqual([]);
    expect(v1.config).toMatchObject({ algo: 'grpo', lr: 3e-4, miAgg: 'mean', percGate: 'off' });
    expect(v1.run).toBe(true);
    // re-shared, it carries the learning rate explicitly and means the same run
    expect(decodeShare(encodeShare(v1.config)).config).toEqual(v1.config);
    expect(encodeShare(v1.config)).toMatch(/^#v=4&/);
  });

  it('keeps a v2 link on the perception reward it was made with', () => {
    // {} under v2 meant the per-token mean MI with no gate; v3's defaults differ
    const v2 = decodeShare('#v=2&c=e30');
    expect(v2.errors).toEqual([]);
    expect(v2.config).toMatchObject({ miAgg: 'mean', miClip: 0, percGate: 'off', lr: 1e-4 });
    expect(v2.config).not.toEqual(DEFAULT_RL);
    expect(decodeShare(encodeShare(v2.config)).config).toEqual(v2.config);
  });

  it('keeps a v3 link scoring the MI metric every step, as it did', () => {
    const v3 = decodeShare('#v=3&c=e30');
    expect(v3.errors).toEqual([]);
    expect(v3.config).toEqual({ ...DEFAULT_RL, miMetricEvery: 1 });
    expect(decodeShare('#v=4&c=e30').config.miMetricEvery).toBe(10);
    expect(decodeShare(encodeShare(v3.config)).config).toEqual(v3.config);
  });
});
