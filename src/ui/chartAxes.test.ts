import { describe, expect, it } from 'vitest';
import { CounterRng, Streams } from '../lib/rng';
import { yTicks } from './chartAxes';
import type { ChartRow } from './chartData';

const rows = (ys: number[]): ChartRow[] => ys.map((y, i) => ({ x: i + 1, raw1: y }));

describe('chart axes', () => {
  it('labels a narrow held-out range with distinct ticks (the NLL axis read 0.17, 0.17, 0.17)', () => {
    const y = yTicks(rows([0.1712, 0.1745, 0.1768]), true)!;
    const labels = y.ticks.map(y.format);
    expect(new Set(labels).size).toBe(labels.length);
    expect(y.domain[0]).toBeLessThanOrEqual(0.1712);
    expect(y.domain[1]).toBeGreaterThanOrEqual(0.1768);
    expect(labels).toContain('0.172');
  });

  it('keeps 0 on the axis of a curve that is not fitted, and the minus signs', () => {
    const y = yTicks(rows([-0.0008, -0.0002, -0.0012]), false)!;
    expect(y.ticks).toContain(0);
    for (const t of y.ticks.filter((v) => v !== 0)) expect(y.format(t)).toMatch(/^-/);
  });

  it('never repeats a label and always covers the data, on 2,000 random ranges', () => {
    const rng = new CounterRng(4343, Streams.test, 3);
    for (let i = 0; i < 2000; i++) {
      const scale = 10 ** (rng.int(14) - 7);
      const base = (rng.next() - 0.5) * scale * 10 ** rng.int(4);
      const ys = Array.from({ length: 1 + rng.int(6) }, () => base + rng.next() * scale);
      const fit = rng.int(2) === 1;
      const y = yTicks(rows(ys), fit)!;
      const labels = y.ticks.map(y.format);
      expect(new Set(labels).size, `${ys} -> ${labels}`).toBe(labels.length);
      expect(y.ticks.length).toBeGreaterThanOrEqual(2);
      expect(y.ticks.length).toBeLessThanOrEqual(16);
      expect(y.domain[0]).toBeLessThanOrEqual(Math.min(...ys));
      expect(y.domain[1]).toBeGreaterThanOrEqual(Math.max(...ys));
    }
  });

  it('draws nothing where there is nothing', () => {
    expect(yTicks([{ x: 1 } as ChartRow], true)).toBeNull();
  });
});
