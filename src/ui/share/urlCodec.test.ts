import { describe, expect, it } from 'vitest';
import { CounterRng, Streams } from '../../lib/rng';
import { DEFAULT_RL } from '../../rl/config';
import { V4_DEFAULTS } from '../../rl/configVersions';
import { validateRL } from '../../rl/configValidation';
import { decodeShare, encodeShare } from './urlCodec';

/** Everything a link's notice says: why it failed, or what of it was dropped. */
const said = (h: string) => {
  const d = decodeShare(h);
  return [...d.errors, ...d.dropped].join(' ');
};

describe('share URL codec', () => {
  it('round-trips a config, compactly', () => {
    const c = {
      ...DEFAULT_RL,
      algo: 'grpo' as const,
      G: 6,
      seed: 42,
      families: ['count' as const, 'spatial' as const],
    };
    const h = encodeShare(c);
    expect(h.length).toBeLessThan(120);
    const d = decodeShare(h);
    expect(d.errors).toEqual([]);
    expect(d.config).toEqual(c);
    expect(d.run).toBe(true);
    expect(decodeShare(encodeShare(DEFAULT_RL, false))).toMatchObject({ config: DEFAULT_RL, run: false, errors: [] });
  });

  it('says what is wrong with a link it cannot read, and keeps the defaults', () => {
    const cases: [string, RegExp][] = [
      ['#v=8&c=e30', /newer version/],
      ['#v=0&c=e30', /unknown schema version/],
      ['#v=1&c=%%%', /not readable/],
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

  it("names a bad field and drops it, keeping the link's other fields; such a link does not start by itself", () => {
    const link = (diff: object, run = true) =>
      `#v=7&c=${btoa(JSON.stringify(diff)).replace(/=+$/, '')}${run ? '&run=1' : ''}`;
    const lr = decodeShare(link({ algo: 'grpo', seed: 42, G: 6, lr: 'abc' }));
    expect(lr.errors).toEqual([]);
    expect(lr.config).toEqual({ ...DEFAULT_RL, algo: 'grpo', seed: 42, G: 6 });
    expect(lr.dropped).toHaveLength(1);
    expect(lr.dropped[0]).toMatch(/^learning rate must be a number in .*: the link's "abc" was dropped, 0\.0001 kept$/);
    expect(lr.run).toBe(false);
    // out of range, unknown, a rule between fields, the difficulty settings: each named, the rest kept
    const k = decodeShare(link({ algo: 'mirl', k: 50, seed: 3 }));
    expect(k.config).toEqual({ ...DEFAULT_RL, seed: 3 });
    expect(k.dropped.join(' ')).toMatch(/k forks must be .*50/);
    const bogus = decodeShare(link({ bogus: 1, seed: 9, knobs: { noise: 0.1, nope: 2 } }));
    expect(bogus.config).toEqual({ ...DEFAULT_RL, seed: 9, knobs: { ...DEFAULT_RL.knobs, noise: 0.1 } });
    expect(bogus.dropped.join(' ')).toMatch(/unknown setting "bogus".*unknown setting "knobs\.nope"/);
    const knobs = decodeShare(link({ seed: 4, knobs: { minObjects: 6, maxObjects: 5 } }));
    expect(knobs.config).toEqual({ ...DEFAULT_RL, seed: 4 });
    expect(knobs.dropped.join(' ')).toMatch(/min objects \(6\) must be at most max objects \(5\).*dropped/);
    // N from the link under the default k breaks the rule k <= N: the link's N goes, with the rule said
    const n = decodeShare(link({ N: 4, seed: 2 }));
    expect(validateRL(n.config)).toEqual({});
    expect(n.config).toEqual({ ...DEFAULT_RL, seed: 2 });
    expect(n.dropped.join(' ')).toMatch(
      /N pre-samples: the link's 4 was dropped, since k forks must be at most N \(4\)/,
    );
    // a v1 link keeps its own defaults under a dropped field
    const v1 = decodeShare('#v=1&c=' + btoa('{"lr": "fast", "algo": "grpo"}').replace(/=+$/, ''));
    expect(v1.config).toMatchObject({ algo: 'grpo', lr: 3e-4 });
    expect(v1.dropped.join(' ')).toMatch(/learning rate must be/);
    // a good link starts; its values never print raw bytes in a notice
    expect(decodeShare(link({ algo: 'grpo' })).run).toBe(true);
    expect(decodeShare(link({ seed: '\u0000\u0001x'.repeat(20) })).dropped[0]).toMatch(/^[\x20-\x7e…]*$/);
  });

  it('carries the backend the link was made on, and names one it does not know', () => {
    const h = encodeShare({ ...DEFAULT_RL, algo: 'grpo' }, true, 'wasm');
    expect(h).toMatch(/&b=wasm&run=1$/);
    expect(decodeShare(h)).toMatchObject({ backend: 'wasm', run: true, errors: [], dropped: [] });
    expect(decodeShare(encodeShare(DEFAULT_RL, false)).backend).toBeNull();
    const odd = decodeShare(`${encodeShare(DEFAULT_RL, false)}&b=tpu`);
    expect(odd.backend).toBeNull();
    expect(odd.dropped.join(' ')).toMatch(/backend "tpu" is not one of/);
  });

  it('reads an older link against the defaults of its own schema version', () => {
    // {"algo":"grpo"} made under v1, whose default learning rate was 3e-4
    const v1 = decodeShare('#v=1&c=' + btoa('{"algo":"grpo"}').replace(/=+$/, '') + '&run=1');
    expect(v1.errors).toEqual([]);
    expect(v1.config).toMatchObject({ algo: 'grpo', lr: 3e-4, miAgg: 'mean', percGate: 'off' });
    expect(v1.run).toBe(true);
    // re-shared, it carries the learning rate explicitly and means the same run
    expect(decodeShare(encodeShare(v1.config)).config).toEqual(v1.config);
    expect(encodeShare(v1.config)).toMatch(/^#v=7&/);
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
    expect(v3.config).toEqual({ ...V4_DEFAULTS, metricEvery: 1 });
    expect(decodeShare('#v=4&c=e30').config.metricEvery).toBe(10);
    expect(decodeShare(encodeShare(v3.config)).config).toEqual(v3.config);
  });

  it('keeps a v4 link at its small size, its MI scorer, its credit and its greedy-only held-out figures', () => {
    const v4 = decodeShare('#v=4&c=' + btoa('{"algo":"perception-r1"}').replace(/=+$/, ''));
    expect(v4.errors).toEqual([]);
    // v4's small size, MI scorer, credit and greedy-only held-out figures: pinned in config.test.ts
    expect(v4.config).toEqual({ ...V4_DEFAULTS, algo: 'perception-r1' });
    expect(decodeShare(encodeShare(v4.config)).config).toEqual(v4.config);
    // v5's defaults: the size at which the arms separate, judged over samples
    // v6 added RACRO and VPPO and changed no default: a v5 link is the same run under v6
    expect(decodeShare('#v=5&c=e30').config).toEqual(decodeShare('#v=6&c=e30').config);
    const vppo = decodeShare('#v=6&c=' + btoa('{"algo":"vppo","vppoTopFrac":0.4}').replace(/=+$/, ''));
    expect(vppo.errors).toEqual([]);
    expect(vppo.config).toMatchObject({ algo: 'vppo', vppoTopFrac: 0.4, vppoFloor: 0.8 });
    expect(decodeShare('#v=6&c=' + btoa('{"algo":"racro"}').replace(/=+$/, '')).config.algo).toBe('racro');
    expect(
      decodeShare('#v=6&c=' + btoa('{"algo":"pearl","pearlProbeWeight":0.2}').replace(/=+$/, '')).config,
    ).toMatchObject({ algo: 'pearl', pearlProbeWeight: 0.2 });
    // v7 added the warm start, 'auto' by default: a v6 link still starts where its families take it
    expect(decodeShare('#v=6&c=e30').config).toEqual(decodeShare('#v=7&c=e30').config);
    expect(decodeShare('#v=6&c=e30').config.warmStart).toBe('auto');
    const v1g = decodeShare('#v=7&c=' + btoa('{"algo":"grpo","warmStart":"tinyvlm-v1g"}').replace(/=+$/, ''));
    expect(v1g.errors).toEqual([]);
    expect(v1g.config.warmStart).toBe('tinyvlm-v1g');
    expect(decodeShare(encodeShare(v1g.config)).config).toEqual(v1g.config);
    expect(said('#v=7&c=' + btoa('{"warmStart":"gpt"}').replace(/=+$/, ''))).toMatch(
      /warm start must be one of auto, tinyvlm-v1, tinyvlm-v1g/,
    );
    expect(decodeShare('#v=5&c=e30').config).toMatchObject({
      batchPrompts: 16,
      steps: 60,
      miScorer: 'warmstart',
      percCredit: 'object',
      heldoutSamples: 4,
      heldoutCount: 256,
    });
  });

  it('says a hash that is not a link was not understood, merges partial knobs, and names fields as the form does', () => {
    expect(decodeShare('#hello-world').errors.join(' ')).toMatch(/"#hello-world" was not understood/);
    expect(decodeShare('#').errors).toEqual([]);
    const knobs = decodeShare('#v=4&c=' + btoa('{"knobs":{"noise":0.1}}').replace(/=+$/, ''));
    expect(knobs.errors).toEqual([]);
    expect(knobs.config.knobs).toEqual({ ...DEFAULT_RL.knobs, noise: 0.1 });
    expect(said('#v=4&c=' + btoa('{"knobs":{"minObjects":6,"maxObjects":5}}').replace(/=+$/, ''))).toMatch(
      /min objects \(6\) must be at most max objects \(5\)/,
    );
    expect(said('#v=4&c=' + btoa('{"lr":0}').replace(/=+$/, ''))).toMatch(/learning rate must be above 0/);
    expect(said('#v=4&c=' + btoa('{"knobs":null}').replace(/=+$/, ''))).toMatch(/difficulty/);
  });

  it('never throws, and gives a valid config or the defaults with reasons, on 10,000 random and mutated links', () => {
    const rng = new CounterRng(4049, Streams.test, 1);
    const good = encodeShare({ ...DEFAULT_RL, algo: 'grpo', G: 6, knobs: { ...DEFAULT_RL.knobs, noise: 0.05 } });
    const json = JSON.stringify({ algo: 'grpo', G: 6, knobs: { noise: 0.05 }, families: ['count'] });
    const chars = '#&=v0123456789c-_eyJabcXYZ%{}[]":,.';
    for (let i = 0; i < 10_000; i++) {
      let h: string;
      const kind = i % 3;
      if (kind === 0) h = Array.from({ length: rng.int(40) }, () => chars[rng.int(chars.length)]).join('');
      else if (kind === 1) {
        const at = rng.int(good.length);
        h = good.slice(0, at) + (rng.int(2) ? chars[rng.int(chars.length)] : '') + good.slice(at + 1);
      } else {
        // valid base64 of damaged JSON: the decoder meets odd values, not only bad encodings
        const at = rng.int(json.length);
        const bad =
          json.slice(0, at) +
          ['null', '1e999', '"x"', '[]', '{}', '-1', ''][rng.int(7)] +
          json.slice(at + 1 + rng.int(4));
        h = '#v=4&c=' + btoa(bad).replace(/=+$/, '');
      }
      const d = decodeShare(h);
      // whatever the link: a valid config, the defaults when it failed, a start only when nothing was dropped
      expect(validateRL(d.config)).toEqual({});
      if (d.errors.length) expect(d.config).toEqual(DEFAULT_RL);
      if (d.run) expect(d.errors.concat(d.dropped)).toEqual([]);
      for (const m of [...d.errors, ...d.dropped]) expect(m).toMatch(/^[\x20-\x7e…]*$/);
    }
  });

  it('keeps every good field of a link with random bad ones, on 2,000 random links', () => {
    const rng = new CounterRng(4343, Streams.test, 2);
    const good: Record<string, unknown>[] = [
      { algo: 'grpo' },
      { seed: 42 },
      { G: 6 },
      { temperature: 0.7 },
      { lr: 2e-4 },
      { families: ['count'] },
    ];
    const bad: [string, unknown][] = [
      ['lr', 'abc'],
      ['lr', -1],
      ['G', 1.5],
      ['N', 'ten'],
      ['algo', 'ppo'],
      ['families', []],
      ['temperature', null],
      ['seed', { x: 1 }],
      ['zzz', 1],
    ];
    for (let i = 0; i < 2000; i++) {
      const keep = good.filter(() => rng.int(2) === 1);
      const diff: Record<string, unknown> = Object.assign({}, ...keep);
      const wrong: [string, unknown][] = [];
      for (const [key, v] of bad)
        if (!(key in diff) && rng.int(3) === 0) {
          diff[key] = v;
          wrong.push([key, v]);
        }
      const d = decodeShare(`#v=7&c=${btoa(JSON.stringify(diff)).replace(/=+$/, '')}&run=1`);
      expect(d.errors).toEqual([]);
      expect(d.config).toMatchObject(Object.assign({}, ...keep));
      expect(d.dropped).toHaveLength(wrong.length);
      expect(d.run).toBe(wrong.length === 0);
    }
  });
});
