import { describe, expect, it } from 'vitest';
import { DEFAULT_HUB_SETTINGS, decodeHubHash, encodeHubHash, validateHubSettings } from './settings';

describe('Real VLM settings and their share link', () => {
  it('round-trips settings through the hash, writing only what differs from the defaults', () => {
    const s = {
      ...DEFAULT_HUB_SETTINGS,
      N: 5,
      seed: 9,
      removal: 'null-image' as const,
      question: 'how many?',
      model: './models/tiny-idefics3/',
    };
    const h = encodeHubHash(s);
    expect(decodeHubHash(`#${h}`)).toEqual({ settings: s, errors: [] });
    expect(encodeHubHash(DEFAULT_HUB_SETTINGS)).toBe('hub=e30');
    expect(decodeHubHash('#v=4&c=abc')).toBeNull();
  });

  it('refuses out-of-range fields and k above N, naming the field', () => {
    expect(validateHubSettings({ ...DEFAULT_HUB_SETTINGS, N: 0 })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^N:/)],
    });
    expect(validateHubSettings({ ...DEFAULT_HUB_SETTINGS, k: 9, N: 4 })).toEqual({
      ok: false,
      errors: ['k: must be at most N (4)'],
    });
    expect(validateHubSettings({ ...DEFAULT_HUB_SETTINGS, temperature: -1 })).toMatchObject({ ok: false });
    expect(validateHubSettings({ ...DEFAULT_HUB_SETTINGS, prompt: '' })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^prompt:/)],
    });
    expect(validateHubSettings({ ...DEFAULT_HUB_SETTINGS, temperature: 0 })).toMatchObject({ ok: true });
  });

  it('never throws on a malformed link: the defaults and a reason (fuzz)', () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = 'abcXYZ019-_=&#%{}":,.[]+/ ';
    const b64 = (s: string) => btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const jsons = [
      'null',
      '[]',
      '1',
      '"x"',
      '{"N":"5"}',
      '{"N":1e9}',
      '{"k":40,"N":2}',
      '{"model":""}',
      '{"temperature":"hot"}',
      '{"removal":"blur"}',
      '{"seed":-1}',
    ];
    for (let i = 0; i < 10_000; i++) {
      const junk = Array.from(
        { length: Math.floor(rnd() * 40) },
        () => alphabet[Math.floor(rnd() * alphabet.length)],
      ).join('');
      const hash = i % 3 === 0 ? `#hub=${junk}` : i % 3 === 1 ? `#hub=${b64(jsons[i % jsons.length])}` : `#${junk}`;
      const d = decodeHubHash(hash);
      if (d === null) continue;
      if (d.errors.length) expect(d.settings).toEqual(DEFAULT_HUB_SETTINGS);
      else expect(validateHubSettings(d.settings).ok).toBe(true);
    }
    for (const j of jsons) expect(decodeHubHash(`#hub=${b64(j)}`)!.errors.length).toBeGreaterThan(0);
  });
});
