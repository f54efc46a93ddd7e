// The flag reader every script uses: strict, typed, and one message per bad flag.
import { describe, expect, it } from 'vitest';
import { bool, configJson, familyList, int, num, oneOf, optInt, optText, readFlags, text } from './cliArgs';

const spec = {
  steps: int(60, 1),
  lr: num(1e-4, 0),
  pool: optInt(0, 100),
  backend: oneOf(['wasm', 'cpu'] as const, 'wasm'),
  out: optText(),
  dir: text('models/x'),
  card: bool(),
  config: configJson(),
};

describe('script flags', () => {
  it('reads task families, and names the ones the generator does not know', () => {
    const fams = { families: familyList(['count']), extra: familyList() };
    expect(readFlags(fams, []).values).toEqual({ families: ['count'], extra: undefined });
    expect(readFlags(fams, ['--extra', 'grounding,multi_grounding']).values?.extra).toEqual([
      'grounding',
      'multi_grounding',
    ]);
    expect(readFlags(fams, ['--families', 'count,boxes,']).errors).toEqual([
      expect.stringMatching(/^--families "boxes", "": choose among count, attribute/),
    ]);
  });

  it('reads values with their types, and defaults for absent flags', () => {
    const { values, errors } = readFlags(spec, [
      '--steps',
      '7',
      '--lr=0.5',
      '--backend',
      'cpu',
      '--card',
      '--out',
      'f.json',
      '--config',
      '{"G":4}',
    ]);
    expect(errors).toEqual([]);
    expect(values).toEqual({
      steps: 7,
      lr: 0.5,
      pool: undefined,
      backend: 'cpu',
      out: 'f.json',
      dir: 'models/x',
      card: true,
      config: { G: 4 },
    });
    expect(readFlags(spec, []).values).toEqual({
      steps: 60,
      lr: 1e-4,
      pool: undefined,
      backend: 'wasm',
      out: undefined,
      dir: 'models/x',
      card: false,
      config: {},
    });
  });

  it('names each bad flag once: unknown, stray, missing value, a value for a switch', () => {
    const { values, errors } = readFlags(spec, [
      '--stepz',
      '3',
      'stray',
      '--card=yes',
      '--out',
      '--steps',
      '4',
      '--dir',
    ]);
    expect(values).toBeNull();
    expect(errors).toEqual([
      '--out needs a value',
      '--dir needs a value',
      expect.stringMatching(/^--stepz is not a flag here/),
      'unexpected argument "3": every argument is a --flag',
      'unexpected argument "stray": every argument is a --flag',
      '--card takes no value',
    ]);
  });

  it('refuses numbers that are not numbers, not integers or out of range, and choices not offered, all at once', () => {
    const { values, errors } = readFlags(spec, [
      '--steps',
      'x',
      '--lr=-1e9x',
      '--pool',
      '1.5',
      '--backend',
      'tpu',
      '--config',
      '[1]',
    ]);
    expect(values).toBeNull();
    expect(errors).toEqual([
      '--steps must be an integer of at least 1, not "x"',
      '--lr must be a number of at least 0, not "-1e9x"',
      '--pool must be an integer in [0, 100], not "1.5"',
      '--backend tpu: choose wasm, cpu',
      '--config must be a JSON object, not [1]',
    ]);
    expect(readFlags(spec, ['--steps', '0']).errors).toEqual(['--steps must be an integer of at least 1, not "0"']);
    expect(readFlags(spec, ['--steps', '']).errors).toEqual(['--steps must be an integer of at least 1, not ""']);
    expect(readFlags(spec, ['--config', '{bad']).errors[0]).toMatch(/^--config is not JSON: /);
    expect(readFlags(spec, ['--lr', '-1']).errors).toEqual(['--lr: write a value that starts with a dash as --lr=-1']);
    // decimal numbers only, each flag once, no stray --, and no flag found among Object's own members
    expect(readFlags(spec, ['--steps', '0x10']).errors).toEqual([
      '--steps must be an integer of at least 1, not "0x10"',
    ]);
    expect(readFlags(spec, ['--steps', ' 5 ']).errors).toEqual(['--steps must be an integer of at least 1, not " 5 "']);
    expect(readFlags(spec, ['--lr', '1e-3']).values?.lr).toBe(1e-3);
    expect(readFlags(spec, ['--steps', '3', '--steps', '4']).errors).toEqual(['--steps is given more than once']);
    expect(readFlags(spec, ['--', '--steps', '3']).errors[0]).toBe('unexpected "--": every argument is a --flag');
    expect(readFlags(spec, ['--valueOf', 'x']).errors[0]).toMatch(/^--valueOf is not a flag here/);
    // a bad value beside an unknown flag: both named
    expect(readFlags(spec, ['--nope', '--steps', 'x']).errors).toEqual([
      expect.stringMatching(/^--nope is not a flag here/),
      '--steps must be an integer of at least 1, not "x"',
    ]);
  });
});
