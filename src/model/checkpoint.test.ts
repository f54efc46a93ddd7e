import { describe, expect, it } from 'vitest';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from './checkpoint';
import { TINYVLM_CONFIG } from './config';
import { initParamData } from './params';

const c = { ...TINYVLM_CONFIG, dim: 16, heads: 2, encDim: 8, encHeads: 2, layers: 1 };

describe('safetensors checkpoints', () => {
  const data = initParamData(c, 5);
  const bytes = encodeCheckpoint(c, data, { step: '12' });

  it('round-trip every tensor and the config', () => {
    const ck = decodeCheckpoint(bytes, c);
    expect(ck.config).toEqual(c);
    expect(ck.metadata.step).toBe('12');
    for (const [k, v] of data) expect(ck.tensors.get(k)).toEqual(v);
    expect(new DataView(bytes.buffer).getUint32(0, true) % 8).toBe(0);
  });

  it('refuse a truncated file, saying so', () => {
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 100), c)).toThrow(/truncated/);
    expect(() => decodeCheckpoint(bytes.subarray(0, 20), c)).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(new Uint8Array(3))).toThrow(/not a safetensors file/);
  });

  it('refuse a checkpoint of another shape, naming the field', () => {
    expect(() => decodeCheckpoint(bytes, { ...c, dim: 32 })).toThrow(/dim: checkpoint 16, expected 32/);
  });

  it('refuse a missing tensor or garbage header', () => {
    const partial = new Map(data);
    partial.delete('dec.wte');
    expect(() => decodeCheckpoint(encodeCheckpoint(c, partial), c)).toThrow(/missing tensor dec.wte/);
    const junk = bytes.slice();
    junk[8] = 0x78; // 'x' where the JSON's opening brace was
    expect(() => decodeCheckpoint(junk, c)).toThrow(/not JSON/);
  });

  it('refuse non-finite weights', () => {
    const bad = new Map(data);
    const w = bad.get('dec.head.w')!.slice();
    w[3] = NaN;
    bad.set('dec.head.w', w);
    expect(() => decodeCheckpoint(encodeCheckpoint(c, bad), c)).toThrow(/non-finite/);
  });
});
