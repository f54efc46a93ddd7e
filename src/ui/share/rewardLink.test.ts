// A custom reward's source travels in the share link: it comes back byte for byte, a bad
// value is named and dropped without losing the rest, and a link with code waits for consent.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CounterRng } from '../../lib/rng';
import { damaged, JSON_PIECES, randomText } from '../../lib/fuzzText';
import { toBase64Url } from '../../lib/base64url';
import { toDeflatedBase64Url } from '../../lib/deflatedText';
import { DEFAULT_RL, type RLConfig } from '../../rl/config';
import { REWARD_EXAMPLES } from '../../rl/rewardExamples';
import { useDraftStore } from '../stores/draftStore';
import { decodeShare, encodeShare } from './urlCodec';

const withCode = (rewardCode: string, over: Partial<RLConfig> = {}): RLConfig => ({
  ...DEFAULT_RL,
  algo: 'custom',
  rewardCode,
  seed: 9,
  ...over,
});
const linkOf = (diff: object) => `#v=7&c=${Buffer.from(JSON.stringify(diff)).toString('base64url')}&run=1`;

describe('a custom reward in the link', () => {
  it('round-trips every example and awkward text exactly, with the rest of the config', () => {
    const awkward = 'function reward(i) {\n\t// «ünïcödé» 🎯 "quotes" \'single\' `tick` \\ & # = ?\n  return 1;\n}\r\n';
    for (const src of [...REWARD_EXAMPLES.map((e) => e.source), awkward]) {
      const c = withCode(src, { rewardMI: true, G: 8 });
      const d = decodeShare(encodeShare(c, true, 'wasm'));
      expect(d.errors).toEqual([]);
      expect(d.dropped).toEqual([]);
      expect(d.config).toEqual(c);
      expect(d.run).toBe(true);
    }
  });

  it('goes deflated (z=), shorter than plain base64url; a damaged or bomb-sized z= is refused in words', () => {
    const c = withCode(REWARD_EXAMPLES[0].source);
    const link = encodeShare(c, true);
    expect(link).toMatch(/^#v=7&z=[\w-]+&run=1$/);
    const plain = toBase64Url(JSON.stringify({ algo: 'custom', rewardCode: c.rewardCode, seed: 9 }));
    expect(link.length).toBeLessThan(plain.length * 0.75);
    // a config without code keeps the plain form older playgrounds read
    expect(encodeShare(DEFAULT_RL, false)).toMatch(/^#v=7&c=/);
    const r = new CounterRng(13, 0, 0, 0);
    const z = link.match(/z=([\w-]+)/)![1];
    for (let i = 0; i < 300; i++) {
      const bad = damaged(r, z, () => 'A-_9'[r.int(4)]);
      const d = decodeShare(`#v=7&z=${bad}&run=1`);
      // damaged deflate data is either refused in words or, rarely, still a config that validates
      if (d.errors.length) expect(d.errors[0]).toMatch(/not readable|not an object/);
      else expect(d.config.algo).toBeDefined();
    }
    const t0 = performance.now();
    const bomb = decodeShare(`#v=7&z=${toDeflatedBase64Url('{"seed":1,"x":"' + 'a'.repeat(5_000_000) + '"}')}`);
    expect(bomb.errors).toEqual(["the link's config is not readable (damaged or truncated link?)"]);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('names and drops a bad source (wrong type, too long), keeping the link’s other fields (fuzz)', () => {
    const r = new CounterRng(12, 0, 0, 0);
    const values: unknown[] = [42, null, true, [], {}, ['function reward(){}'], 'x'.repeat(20001)];
    for (let i = 0; i < 300; i++) {
      const v =
        i < values.length
          ? values[i]
          : r.next() < 0.5
            ? randomText(r, [...JSON_PIECES, 'function', 'reward', '(', ')', '\n'], 60)
            : values[r.int(values.length)];
      const d = decodeShare(linkOf({ algo: 'grpo', seed: 5, rewardCode: v }));
      expect(d.errors).toEqual([]);
      expect(d.config.seed).toBe(5);
      expect(d.config.algo).toBe('grpo');
      if (typeof v === 'string' && v.length <= 20000) {
        expect(d.config.rewardCode).toBe(v);
        expect(d.dropped).toEqual([]);
      } else {
        expect(d.config.rewardCode).toBe('');
        expect(d.dropped.join(' ')).toMatch(/reward code must be JavaScript source of at most 20000 characters/);
        expect(d.run).toBe(false);
      }
    }
    // the custom algorithm with no code: the algorithm goes, the link's other settings stay
    const d = decodeShare(linkOf({ algo: 'custom', seed: 5 }));
    expect(d.config.algo).toBe(DEFAULT_RL.algo);
    expect(d.config.seed).toBe(5);
    expect(d.dropped.join(' ')).toMatch(/reward code must be the source of a reward\(input\) function/);
  });

  it('a link with code is held and shown until consent; without code it applies as before', () => {
    const s = useDraftStore.getState();
    const c = withCode(REWARD_EXAMPLES[1].source);
    expect(s.applyUrl(encodeShare(c, true, 'wasm'))).toBe(false);
    expect(useDraftStore.getState().pendingCode?.config).toEqual(c);
    expect(useDraftStore.getState().draft).toEqual(DEFAULT_RL); // nothing loaded yet
    expect(useDraftStore.getState().consentToCode()).toBe(true); // the link asked to run
    expect(useDraftStore.getState().draft).toEqual(c);
    expect(useDraftStore.getState().pendingCode).toBeNull();
    // declined: the form keeps what it had
    s.applyUrl(encodeShare(withCode('function reward() { return 2 }'), true));
    useDraftStore.getState().declineCode();
    expect(useDraftStore.getState().draft).toEqual(c);
    expect(s.applyUrl(encodeShare({ ...DEFAULT_RL, seed: 3 }, true))).toBe(true);
    expect(useDraftStore.getState().pendingCode).toBeNull();
  });

  describe("this tab's own code", () => {
    /** A tab's sessionStorage; a new one is another tab. */
    const tab = () => {
      const m = new Map<string, string>();
      vi.stubGlobal('sessionStorage', {
        getItem: (k: string) => m.get(k) ?? null,
        setItem: (k: string, v: string) => void m.set(k, v),
      });
    };
    afterEach(() => vi.unstubAllGlobals());

    it('code typed here or agreed to here comes back from a reload without asking; anyone else’s still asks', () => {
      tab();
      const s = useDraftStore.getState();
      const theirs = withCode('function reward(input) {\n  return 3;\n}\n');
      expect(s.applyUrl(encodeShare(theirs, false))).toBe(false);
      expect(useDraftStore.getState().pendingCode?.config).toEqual(theirs);
      s.declineCode();
      // typed in the editor: the address bar carries it, and a reload applies it at once
      const mine = 'function reward(input) {\n  return input.builtins.f1 * 2;\n}\n';
      s.setField('algo', 'custom');
      s.setField('rewardCode', mine);
      expect(s.applyUrl(encodeShare(withCode(mine), false))).toBe(false);
      expect(useDraftStore.getState().pendingCode).toBeNull();
      expect(useDraftStore.getState().draft.rewardCode).toBe(mine);
      // a link of one's own code that starts a run starts it
      expect(s.applyUrl(encodeShare(withCode(mine), true))).toBe(true);
      // agreed to once: a reload does not ask again
      s.applyUrl(encodeShare(theirs, false));
      s.consentToCode();
      expect(s.applyUrl(encodeShare(theirs, false))).toBe(false);
      expect(useDraftStore.getState().pendingCode).toBeNull();
      expect(useDraftStore.getState().draft).toEqual(theirs);
      // another tab has agreed to nothing
      tab();
      expect(s.applyUrl(encodeShare(withCode(mine), true))).toBe(false);
      expect(useDraftStore.getState().pendingCode?.config.rewardCode).toBe(mine);
      s.declineCode();
    });
  });
});
