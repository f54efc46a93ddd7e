import { describe, expect, it } from 'vitest';
import { trlParquet, verlDump, wandbCompletions, type DumpFile } from '../../scripts/dumps/fixtures';
import { JSON_PIECES, damaged, randomText } from '../lib/fuzzText';
import { CounterRng, Streams } from '../lib/rng';
import { parsePythonJson, verlRow } from './decode';
import { importOutside, type SourceFile } from './importer';
import { LineSplitter } from './lines';
import { groupAdvantages, type OutsideRunBuilder } from './outsideRun';
import { splitSegments } from './segments';

/** A file served in chunks of random sizes, so that lines and characters straddle chunk ends. */
function source(f: DumpFile, seed = 1): SourceFile {
  const bytes = typeof f.data === 'string' ? new TextEncoder().encode(f.data) : f.data;
  return {
    name: f.name,
    size: bytes.length,
    head: async () => bytes.slice(0, 512),
    bytes: async () => bytes.slice().buffer,
    async *chunks() {
      const rng = new CounterRng(seed, Streams.test, 7);
      const dec = new TextDecoder();
      for (let at = 0; at < bytes.length;) {
        const n = 1 + rng.int(300);
        yield dec.decode(bytes.subarray(at, at + n), { stream: true });
        at += n;
      }
      yield dec.decode();
    },
  };
}

const opts = { steps: 3, prompts: 4, n: 5, seed: 3 };

describe('verl rollout dumps', () => {
  it('import whole: steps, prompt groups, scores and extras as written, advantages computed per group and marked', async () => {
    const files = verlDump(opts);
    const run = await importOutside(
      files.map((f, i) => source(f, i)),
      1,
    );
    const s = run.summary();
    expect(s.format).toBe('verl');
    expect(s.rows).toBe(60);
    expect(s.badCount).toBe(0);
    expect(s.steps.map((x) => [x.step, x.rows, x.groups])).toEqual([
      [1, 20, 4],
      [2, 20, 4],
      [3, 20, 4],
    ]);
    expect(s.advGiven).toBe(0);
    expect(s.advComputed).toBe(60);
    expect(s.extraKeys).toEqual(['acc', 'pred']);
    // the first group of step 2, against the lines of 2.jsonl
    const lines = (files[1].data as string).trim().split('\n');
    const g = run.groups(2, 0, 10);
    expect(g.total).toBe(4);
    const first = g.groups[0];
    expect(first.rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
    const raw = lines.slice(0, 5).map((l) => parsePythonJson(l) as { output: string; score: number; gts: string });
    expect(first.rows.map((r) => r.response)).toEqual(raw.map((r) => r.output));
    expect(first.truth).toBe(raw[0].gts);
    const scores = raw.map((r) => (Number.isFinite(r.score) ? r.score : null));
    expect(first.rows.map((r) => r.score)).toEqual(scores);
    if (scores.every((x) => x !== null)) {
      expect(first.rows.every((r) => r.advComputed)).toBe(true);
      groupAdvantages(scores as number[]).forEach((a, i) => expect(first.rows[i].adv).toBeCloseTo(a, 12));
    } else expect(first.rows.every((r) => r.adv === null)).toBe(true);
    // the response cut at its tags
    expect(first.rows[0].segments.map((x) => x.kind).filter((k) => k !== 'other')).toEqual(
      raw[0].output.startsWith('<description>') ? ['description', 'reasoning', 'answer'] : [],
    );
  });

  it("read Python's bare NaN as no score, and keep the row", async () => {
    const r = verlRow(
      '{"input": "p", "output": "o", "gts": null, "score": NaN, "step": 4, "acc": false}',
      '4.jsonl',
      9,
    );
    expect(r).toMatchObject({ step: 4, score: null, truth: null, line: 9, extras: { acc: false } });
    // a NaN inside a string is text
    expect(verlRow('{"input": "NaN Infinity", "output": "o", "score": 1.0, "step": 1}', 'x.jsonl', 1)).toMatchObject({
      prompt: 'NaN Infinity',
      score: 1,
    });
  });

  it('report bad lines with their file and line number, and keep every other row', async () => {
    const files = verlDump({ ...opts, bad: 6 });
    const run = await importOutside(
      files.map((f) => source(f)),
      1,
    );
    const s = run.summary();
    expect(s.badCount).toBe(6);
    expect(s.rows).toBe(54);
    for (const b of s.bad) {
      const line = String(files.find((f) => f.name === b.file)?.data ?? '').split('\n')[b.line - 1];
      // the line really is bad: not JSON, or no text for its output
      let good = true;
      try {
        good = typeof (JSON.parse(line.replace(/NaN/g, 'null')) as { output: unknown }).output === 'string';
      } catch {
        good = false;
      }
      expect(good).toBe(false);
      expect(b.message.length).toBeGreaterThan(0);
    }
  });

  it('take tokens and log-probabilities where a row has both, and refuse a row whose two lists disagree', async () => {
    const run = await importOutside(
      verlDump({ ...opts, tokensEvery: 3 }).map((f) => source(f)),
      1,
    );
    expect(run.summary().withLogprobs).toBe(20);
    const row = run.groups(1, 0, 1).groups[0].rows[0];
    expect(row.tokens?.join('')).toBe(row.response);
    expect(row.logprobs?.length).toBe(row.tokens?.length);
    expect(row.extras).not.toHaveProperty('tokens');
    expect(
      verlRow('{"input":"p","output":"ab","score":1,"step":1,"tokens":["a","b"],"logprobs":[-1]}', '1.jsonl', 1),
    ).toMatch(/2 entries but logprobs has 1/);
    expect(verlRow('{"input":"p","output":"ab","score":1,"step":1,"logprobs":[-1]}', '1.jsonl', 1)).toMatch(
      /without tokens/,
    );
  });

  it('stream 100,000 rows with steady progress', async () => {
    const files = verlDump({ steps: 10, prompts: 1250, n: 8, seed: 5, bad: 10 });
    const seen: number[] = [];
    const run = await importOutside(
      files.map((f) => source(f)),
      1,
      (p) => seen.push(p.loaded / p.total),
    );
    const s = run.summary();
    expect(s.rows + s.badCount).toBe(100_000);
    expect(s.badCount).toBe(10);
    expect(s.steps).toHaveLength(10);
    // 10,000 rows a step, in groups of 8 (fixture prompts repeat, so a group is a run of equal prompts or more)
    expect(s.steps.reduce((a, x) => a + x.rows, 0)).toBe(s.rows);
    expect(s.steps.every((x) => x.groups > 0 && x.groups <= 1250)).toBe(true);
    expect(seen.length).toBeGreaterThan(1000);
    expect(seen.every((x, i) => x >= 0 && x <= 1 && (i === 0 || x >= seen[i - 1]))).toBe(true);
    expect(seen[seen.length - 1]).toBe(1);
  }, 60_000);
});

describe('TRL completions', () => {
  it('parquet as GRPOTrainer writes it: the advantage as logged, the score the sum of the reward columns', async () => {
    const files = trlParquet(opts);
    const run = await importOutside(
      files.map((f) => source(f)),
      2,
    );
    const s = run.summary();
    expect(s.format).toBe('trl');
    expect(s.rows).toBe(60);
    expect(s.advGiven).toBe(60);
    expect(s.steps.map((x) => x.groups)).toEqual([4, 4, 4]);
    const g = run.groups(3, 1, 1).groups[0];
    for (const r of g.rows) {
      expect(r.advComputed).toBe(false);
      expect(r.score).toBe((r.extras.accuracy_reward as number) + (r.extras.format_reward as number));
    }
    // the logged advantage is TRL's (std + 1e-4), close to verl's form on the same scores
    const ours = groupAdvantages(g.rows.map((r) => r.score as number));
    g.rows.forEach((r, i) => expect(r.adv).toBeCloseTo(ours[i], 2));
  });

  it("a W&B table file of the same columns, and a cell that is not a row is reported with the row's number", async () => {
    const f = wandbCompletions(opts, 2);
    const o = JSON.parse(f.data as string) as { data: unknown[] };
    o.data[3] = 'oops';
    const run = await importOutside([source({ name: f.name, data: JSON.stringify(o) })], 3);
    expect(run.summary().rows).toBe(19);
    expect(run.summary().bad).toEqual([{ file: f.name, line: 4, message: 'the row is not a list of cells' }]);
  });
});

describe('what is not a log', () => {
  it('is refused whole, with the file named', async () => {
    const file = (name: string, data: string) => source({ name, data });
    await expect(importOutside([file('a.csv', 'x,y\n1,2\n')], 1)).rejects.toThrow(/a\.csv: neither/);
    await expect(importOutside([file('run.json', '{"kind":"mirl-playground-run"}')], 1)).rejects.toThrow(/Import run/);
    await expect(importOutside([file('t.json', '{"columns":["a"],"data":[]}')], 1)).rejects.toThrow(/no "step" column/);
    await expect(importOutside([source(verlDump(opts)[0]), source(trlParquet(opts)[0])], 1)).rejects.toThrow(
      /mix verl and TRL/,
    );
    const pq = trlParquet(opts)[0].data as Uint8Array;
    await expect(importOutside([source({ name: 'c.parquet', data: pq.slice(0, 40) })], 1)).rejects.toThrow(
      /c\.parquet: not a readable parquet/,
    );
    await expect(importOutside([], 1)).rejects.toThrow(/no files/);
  });

  it('fuzzed lines and files never throw anything but an Error with a message, and a file it takes is read whole', async () => {
    const rng = new CounterRng(20261206, Streams.test, 1);
    const good = (verlDump({ ...opts, tokensEvery: 2 })[0].data as string).split('\n')[0];
    const pieces = [...JSON_PIECES, '"input"', '"output"', '"score"', '"step"', '"tokens"', '"logprobs"'];
    let rows = 0;
    for (let i = 0; i < 10_000; i++) {
      const line = i % 2 === 0 ? randomText(rng, pieces, 14) : damaged(rng, good, () => rng.pick(pieces));
      const out = verlRow(line, `${1 + rng.int(3)}.jsonl`, i + 1);
      if (typeof out === 'string') expect(out.length).toBeGreaterThan(0);
      else {
        rows++;
        expect(typeof out.prompt === 'string' && typeof out.response === 'string' && Number.isInteger(out.step)).toBe(
          true,
        );
        expect(out.score === null || Number.isFinite(out.score)).toBe(true);
        expect(out.tokens === null || out.tokens.length === out.logprobs?.length).toBe(true);
      }
    }
    expect(rows).toBeGreaterThan(100);
    // whole files: damaged bytes of a parquet file or a table, or random text under a log's name
    const pq = trlParquet(opts)[0].data as Uint8Array;
    const table = wandbCompletions(opts, 1).data as string;
    const accepted = [0, 0, 0];
    for (let i = 0; i < 300; i++) {
      const k = i % 3;
      let f: DumpFile;
      // parquet is only cut short here: bytes flipped inside it can stall the parquet reader (see docs/bridge.md)
      if (k === 0) f = { name: 'completions_00001.parquet', data: pq.slice(0, 4 + rng.int(pq.length - 4)) };
      else if (k === 1) {
        const at = rng.int(table.length);
        f = { name: 'c.table.json', data: table.slice(0, at) + rng.pick(pieces) + table.slice(at + 1) };
      } else
        f = {
          name: `${rng.int(9)}.jsonl`,
          data: Array.from({ length: 20 }, () => rng.pick(pieces)).join(rng.pick(['', '\n'])),
        };
      let run: OutsideRunBuilder;
      try {
        run = await importOutside([source(f, i)], 1);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        expect((e as Error).message).toMatch(/^(c\.table\.json|completions_00001\.parquet|\d\.jsonl): /);
        continue;
      }
      accepted[k]++;
      // an accepted file is read whole: every line a row or a bad row, and the summary agrees with its groups
      const s = run.summary();
      expect(s.files).toEqual([f.name]);
      if (typeof f.data === 'string' && k === 2)
        expect(s.rows + s.badCount).toBe(f.data.split('\n').filter((l) => l.trim() !== '').length);
      expect(s.bad).toHaveLength(Math.min(s.badCount, 200));
      for (const b of s.bad) expect(b.file === f.name && b.line >= 1 && b.message.length > 0).toBe(true);
      expect(s.advGiven + s.advComputed).toBe(s.rows);
      expect(s.steps.reduce((a, st) => a + st.rows, 0)).toBe(s.rows);
      for (const st of s.steps) {
        const { groups, total } = run.groups(st.step, 0, Infinity);
        expect(total).toBe(st.groups);
        expect(groups.reduce((a, g) => a + g.rows.length, 0)).toBe(st.rows);
        for (const g of groups)
          for (const r of g.rows) {
            expect(r.step === st.step && r.prompt === g.prompt && typeof r.response === 'string').toBe(true);
            expect(r.score === null || Number.isFinite(r.score)).toBe(true);
            expect(r.adv === null || Number.isFinite(r.adv)).toBe(true);
          }
      }
    }
    // damaged tables and random lines are read whole often enough that the checks above run (cut parquet never is)
    expect(accepted[1]).toBeGreaterThan(0);
    expect(accepted[2]).toBeGreaterThan(0);
  });
});

describe('segments', () => {
  it('cut a response at its tags, and give the text back whole', () => {
    const t = 'ok <description>a red circle</description>\n<think>so</think> <answer>red</answer>';
    expect(splitSegments(t).map((s) => [s.kind, s.text])).toEqual([
      ['other', 'ok '],
      ['description', '<description>a red circle</description>'],
      ['other', '\n'],
      ['reasoning', '<think>so</think>'],
      ['other', ' '],
      ['answer', '<answer>red</answer>'],
    ]);
    expect(splitSegments('<think>cut off').map((s) => [s.kind, s.closed])).toEqual([['reasoning', false]]);
    expect(splitSegments('so \\boxed{\\frac{1}{2}} done').map((s) => [s.kind, s.text])).toEqual([
      ['other', 'so '],
      ['answer', '\\boxed{\\frac{1}{2}}'],
      ['other', ' done'],
    ]);
    const rng = new CounterRng(7, Streams.test, 2);
    const bits = [
      '<desc>',
      '</desc>',
      '<think>',
      '</think>',
      '<answer>',
      '</answer>',
      '<b>',
      'x',
      ' ',
      '\\boxed{',
      '}',
      '<',
      '>',
    ];
    for (let i = 0; i < 5000; i++) {
      const s = Array.from({ length: rng.int(16) }, () => rng.pick(bits)).join('');
      expect(
        splitSegments(s)
          .map((x) => x.text)
          .join(''),
      ).toBe(s);
    }
  });

  it('split lines across chunks as an editor numbers them', () => {
    const sp = new LineSplitter();
    const got = [...sp.push('a\r\nb'), ...sp.push('c\n\nd'), ...sp.end()];
    expect(got).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'bc' },
      { line: 3, text: '' },
      { line: 4, text: 'd' },
    ]);
  });
});
