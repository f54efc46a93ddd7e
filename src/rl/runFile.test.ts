// The run-file importer: a good file round-trips; a damaged, foreign or hostile one is
// refused with a message naming the first problem, and nothing else ever escapes.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RL } from './config';
import { JSON_PIECES, damaged, randomText } from '../lib/fuzzText';
import { CounterRng, Streams } from '../lib/rng';
import { readFileSync } from 'node:fs';
import { CpuBackend } from '../backend/cpu/cpuBackend';
import { decodeCheckpoint } from '../model/checkpoint';
import { RLTrainer } from './trainer';
import { checkSavedRun } from './savedRun';
import { exportRun, importRun } from './runFile';
import { craftedMirlRun, heldoutFigures, promptRecord, stepMetrics, trajectory } from './runFileFixture';

// mi_auc filled too, so that the round trip carries it
const metrics = stepMetrics(0, { mi_auc: 0.7 });
const record = promptRecord({
  question: 'how many reds ?',
  answer: '2',
  trajectories: [trajectory({ adv: 0.1, description: ['small', 'red'], mi: 0.4, rPerc: 0.2, perceptionRight: false })],
});
const heldout = heldoutFigures();
const good = exportRun(
  'grpo G16 seed 1',
  { ...DEFAULT_RL, algo: 'grpo' },
  [
    { ...metrics, heldout_start: heldout },
    {
      ...metrics,
      step: 1,
      mean_mi: null,
      fork_lift_exact: 0.05,
      fork_lift_f1: null,
      heldout: { ...heldout, sampled: null },
    },
  ],
  [record],
);

function refused(text: string): string {
  try {
    importRun(text);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`accepted: ${text.slice(0, 80)}`);
}

describe('run files', () => {
  it('round-trip', () => {
    const f = importRun(good);
    expect(f.config.algo).toBe('grpo');
    expect(f.metrics).toHaveLength(2);
    expect(f.records[0].trajectories[0].description).toEqual(['small', 'red']);
    // every field of every step and record comes back, the held-out figures whole
    expect(f.metrics).toEqual(JSON.parse(good).metrics);
    expect(f.records).toEqual([record]);
  });

  it('read back the crafted MIRL run the end-to-end specs import: 60 steps, held-out figures, gate and blind cases', () => {
    const f = importRun(craftedMirlRun('mirl crafted'));
    expect(f.metrics.map((m) => m.step)).toEqual(Array.from({ length: 60 }, (_, s) => s));
    expect(f.metrics.filter((m) => m.heldout).map((m) => m.step)).toEqual([19, 39, 59]);
    expect(f.metrics.filter((m) => m.kl !== null).map((m) => m.step)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(f.records.map((r) => [r.step, r.index])).toEqual([
      [59, 0],
      [59, 1],
    ]);
    expect(f.records[0].trajectories.map((t) => [t.gated ?? false, t.kept, t.perceptionRight])).toEqual([
      [false, true, true],
      [true, true, false],
      [false, true, false],
      [false, false, false],
    ]);
  });

  it('round-trip what the trainer reports, whole: every metric and record field it emits survives the file', async () => {
    const b = readFileSync('models/tinyvlm-v1/model.safetensors');
    const ck = decodeCheckpoint(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    // MIRL fills the most fields (forks, gate, MI); held-out figures at the start and after each step
    const cfg = {
      ...DEFAULT_RL,
      algo: 'mirl' as const,
      N: 3,
      k: 2,
      batchPrompts: 2,
      steps: 2,
      heldoutEvery: 1,
      heldoutCount: 2,
      heldoutSamples: 1,
      recordPrompts: 2,
      metricEvery: 1,
    };
    const t = new RLTrainer(new CpuBackend(), cfg, ck);
    const reports = [await t.trainStep(), await t.trainStep()];
    t.free();
    const steps = reports.map((r) => r.metrics);
    const recs = reports.flatMap((r) => r.records);
    expect(steps[0].heldout_start).toBeDefined();
    expect(steps[1].heldout).toBeDefined();
    expect(steps[0].blind).toBeDefined();
    const f = importRun(exportRun('mirl', cfg, steps, recs));
    expect(f.metrics).toEqual(steps);
    expect(f.records).toEqual(recs);
    expect(f.config).toEqual(cfg);
  }, 60_000);

  it('carry the trainer state when asked, and refuse state that is not base64 with its path', () => {
    const f = JSON.parse(good);
    const withState = exportRun(f.label, importRun(good).config, f.metrics, f.records, { step: 2, data: 'AAECAwQ=' });
    expect(importRun(withState).snapshot).toEqual({ step: 2, data: 'AAECAwQ=' });
    expect(importRun(good).snapshot).toBeUndefined();
    expect(() =>
      importRun(JSON.stringify({ ...JSON.parse(withState), snapshot: { step: 2, data: 'not base64!' } })),
    ).toThrow('run file: snapshot.data: not base64');
    expect(() => importRun(JSON.stringify({ ...JSON.parse(withState), snapshot: { step: -1, data: '' } }))).toThrow(
      /run file: snapshot.step/,
    );
  });

  it("read a pre-v5 run's greedy-only held-out fields as held-out figures without samples", () => {
    const old = JSON.parse(good);
    old.version = 4;
    old.config = { algo: 'grpo' };
    old.metrics = [
      { ...metrics, heldout_start: { answer_acc: 0.4, perception_acc: 0.3 } },
      { ...metrics, step: 1, heldout_answer_acc: 0.45, heldout_perception_acc: 0.25 },
    ];
    const f = importRun(JSON.stringify(old));
    expect(f.metrics[0].heldout_start).toEqual({
      count: 0,
      sampled: null,
      greedy: { desc_exact: 0.3, desc_f1: null, answer_acc: 0.4 },
      gt_desc_nll: null,
    });
    expect(f.metrics[1].heldout).toEqual({
      count: 0,
      sampled: null,
      greedy: { desc_exact: 0.25, desc_f1: null, answer_acc: 0.45 },
      gt_desc_nll: null,
    });
    expect('heldout_answer_acc' in f.metrics[1]).toBe(false);
    // and the v4 config keeps its v4 meaning
    expect(f.config).toMatchObject({ batchPrompts: 4, heldoutSamples: 0 });
  });

  it('refuse damaged files with the path of the first problem', () => {
    const g = JSON.parse(good);
    expect(refused('null')).toMatch(/not a JSON object/);
    expect(refused('{"records":[{"step":0}]}')).toMatch(/not a run file of the MIRL Playground/);
    expect(refused(JSON.stringify({ ...g, metrics: [{ step: 0 }] }))).toMatch(/^run file: metrics\[0\]\.answer_acc: /);
    expect(refused(JSON.stringify({ ...g, records: [{ step: 0 }] }))).toMatch(/^run file: records\[0\]\.index: /);
    expect(
      refused(
        JSON.stringify({ ...g, records: [{ ...record, trajectories: [{ ...record.trajectories[0], tokAdv: 'x' }] }] }),
      ),
    ).toMatch(/records\[0\]\.trajectories\[0\]\.tokAdv/);
    expect(refused(JSON.stringify({ ...g, config: { k: 12 } }))).toMatch(/k forks must be at most N/);
    expect(refused(JSON.stringify({ ...g, version: 99 }))).toMatch(/schema v99/);
    expect(refused('{"kind":"mirl-playground-run"')).toMatch(/not a run file/);
    // a binary file (random bytes, a PNG) is named as one; none of its bytes reach the message
    const rng = new CounterRng(43, Streams.test, 7);
    for (const bytes of [
      Uint8Array.from({ length: 2000 }, () => rng.int(256)),
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    ]) {
      const m = refused(new TextDecoder().decode(bytes));
      expect(m).toMatch(/binary file/);
      expect(m).toMatch(/^[\x20-\x7e]*$/);
    }
    // text that is not JSON: the parser's words, printable and short
    const notJson = refused('hello \u00e9\u2603 world');
    expect(notJson).toMatch(/^not a run file: not JSON \(/);
    expect(notJson).toMatch(/^[\x20-\x7e…]*$/);
    expect(
      refused(
        JSON.stringify({
          ...g,
          metrics: [{ ...g.metrics[0], heldout: { ...heldout, sampled: { ...heldout.sampled, desc_f1: 2 } } }],
        }),
      ),
    ).toMatch(/metrics\[0\]\.heldout\.sampled\.desc_f1/);
  });

  it('never throw anything but their message on 10,000 random and mutated inputs', () => {
    const rng = new CounterRng(20261124, Streams.test, 0);
    const pieces = [...JSON_PIECES, '"x"', '{"step":0}', '"kind"', '"mirl-playground-run"', '"records"', '"metrics"'];
    const values: unknown[] = [null, 0, -1, 1e308, 'x', '', true, [], {}, [null], { step: 'x' }, [{}], NaN];
    const paths = (o: unknown, at: (string | number)[] = [], out: (string | number)[][] = []) => {
      if (typeof o === 'object' && o !== null)
        for (const [k, v] of Object.entries(o)) {
          out.push([...at, Array.isArray(o) ? Number(k) : k]);
          paths(v, [...at, Array.isArray(o) ? Number(k) : k], out);
        }
      return out;
    };
    const base = JSON.parse(good);
    const all = paths(base);
    let accepted = 0;
    for (let i = 0; i < 10_000; i++) {
      let text: string;
      const kind = i % 4;
      if (kind === 0) text = randomText(rng, pieces, 12);
      else if (kind === 1)
        // a character of a good file changed, dropped or the file cut
        text = damaged(rng, good, () => String.fromCharCode(32 + rng.int(95)));
      else {
        // a value anywhere in a good file replaced (or removed)
        const o = structuredClone(base);
        const path = all[rng.int(all.length)];
        let parent = o;
        for (const k of path.slice(0, -1)) parent = parent[k];
        if (kind === 3) delete parent[path[path.length - 1]];
        else parent[path[path.length - 1]] = values[rng.int(values.length)];
        text = JSON.stringify(o);
      }
      try {
        const f = importRun(text);
        accepted++;
        // what is accepted is whole: the arrays the page maps over are arrays
        expect(
          Array.isArray(f.metrics) && Array.isArray(f.records) && f.records.every((r) => Array.isArray(r.trajectories)),
        ).toBe(true);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        expect(['TypeError', 'RangeError', 'SyntaxError', 'ReferenceError']).not.toContain((e as Error).name);
        expect((e as Error).message.length).toBeGreaterThan(0);
      }
    }
    expect(accepted).toBeGreaterThan(100); // the mutations also hit harmless places (a label, a number)
  }, 60_000); // 10,000 checks: seconds, more on a loaded machine

  it('check runs saved for a reload as imported files are: whole ones come back, damaged ones are named, never thrown', () => {
    const saved = {
      id: 3,
      uid: 'abc',
      label: 'grpo G16',
      backend: 'wasm',
      config: { ...DEFAULT_RL, algo: 'grpo' },
      metrics: [metrics],
      records: [record],
      status: 'done',
      step: 1,
      error: null,
    };
    const ok = checkSavedRun(saved);
    if (ok instanceof Error) throw ok;
    expect(ok).toEqual({ ...saved, config: { ...DEFAULT_RL, algo: 'grpo' } });
    // a setting the page added after the run was saved takes its default
    const { topP: _topP, ...older } = saved.config;
    expect((checkSavedRun({ ...saved, config: older }) as { config: { topP: number } }).config.topP).toBe(
      DEFAULT_RL.topP,
    );
    const named = (x: unknown) => (checkSavedRun(x) as Error).message;
    expect(named(null)).toMatch(/expected object/);
    expect(named({ ...saved, metrics: [{ step: 0 }] })).toMatch(/^metrics\[0\]\.answer_acc: /);
    expect(named({ ...saved, config: { ...saved.config, k: 99 } })).toMatch(/^config: k forks must be/);
    expect(named({ ...saved, config: { ...saved.config, bogus: 1 } })).toMatch(/unknown settings: bogus/);
    expect(named({ ...saved, records: 'x' })).toMatch(/^records: /);
    // a run that stopped on a non-finite loss (JSON writes NaN as null), and one renamed at length, come back
    const diverged = JSON.parse(
      JSON.stringify({ ...saved, label: 'x'.repeat(300), metrics: [{ ...metrics, loss: NaN, grad_norm: Infinity }] }),
    );
    const back = checkSavedRun(diverged);
    if (back instanceof Error) throw back;
    expect(back.metrics[0].loss).toBeNaN();
    expect(back.metrics[0].grad_norm).toBeNaN();
    expect(back.label).toHaveLength(300);
    // and so does its exported file
    expect(importRun(exportRun('diverged', DEFAULT_RL, [{ ...metrics, loss: NaN }], [])).metrics[0].loss).toBeNaN();
    // 2,000 mutations: each is restored whole or named, nothing thrown
    const rng = new CounterRng(20261206, Streams.test, 0);
    const keys = Object.keys(saved);
    const values: unknown[] = [null, -1, 'x', [], {}, [{}], 1e308, true];
    for (let i = 0; i < 2000; i++) {
      const o: Record<string, unknown> = structuredClone(saved);
      const k = keys[rng.int(keys.length)];
      if (i % 2) delete o[k];
      else o[k] = values[rng.int(values.length)];
      const r = checkSavedRun(o);
      if (r instanceof Error) expect(r.message.length).toBeGreaterThan(0);
      else expect(Array.isArray(r.metrics) && Array.isArray(r.records) && typeof r.config.algo === 'string').toBe(true);
    }
  });
});
