import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { ALGORITHM_NAMES } from '../algorithms/table';
import { DEFAULT_RL, type RLConfig } from '../config';
import easyr1Schema from './schemas/easyr1.json';
import dapoSchema from './schemas/verl-dapo.json';
import verlSchema from './schemas/verl.json';
import { DAPO_AT, EASYR1_AT, MAPPING, VERL_AT, easyr1Recipe, recipeSettings, verlRecipe } from './recipe';

const VERL_KEYS = new Set(verlSchema.keys);
const DAPO_KEYS = new Set([...verlSchema.keys, ...dapoSchema.keys]);
const EASYR1_KEYS = new Set(easyr1Schema.keys);

/** Configs across every switch the mapping reads, from a seeded walk. */
function configs(): RLConfig[] {
  const out: RLConfig[] = [];
  let s = 7;
  const pick = <T>(xs: readonly T[]): T => xs[(s = (s * 1103515245 + 12345) % 2 ** 31) % xs.length];
  for (const algo of ALGORITHM_NAMES) {
    for (let i = 0; i < 6; i++) {
      out.push({
        ...DEFAULT_RL,
        algo,
        beta: pick([0, 0.04]),
        dropFlatGroups: pick([false, true]),
        lrSchedule: pick(['constant', 'cosine'] as const),
        advNormalize: pick(['std', 'none'] as const),
        lossAgg: pick(['token', 'sequence'] as const),
        heldoutEvery: pick([0, 20]),
        heldoutSamples: pick([0, 4]),
        percCredit: pick(['object', 'sequence'] as const),
        batchPrompts: pick([16, 12]),
        miniBatches: pick([1, 4, 5]),
        lr: pick([1e-4, 3e-6]),
      });
    }
  }
  return out;
}

/** The argv `python3` gets when the verl script runs, through a stand-in python3 that prints it. */
function verlArgv(script: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'recipe-'));
  try {
    writeFileSync(join(dir, 'python3'), '#!/usr/bin/env bash\nprintf "%s\\n" "$@"\n');
    chmodSync(join(dir, 'python3'), 0o755);
    writeFileSync(join(dir, 'run.sh'), script);
    const r = spawnSync('bash', [join(dir, 'run.sh')], {
      encoding: 'utf8',
      env: {
        PATH: `${dir}:${process.env.PATH}`,
        MODEL_PATH: 'm o/del',
        TRAIN_FILES: 't.parquet',
        VAL_FILES: 'v.parquet',
        REWARD_FN: 'r.py',
      },
    });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.trimEnd().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Dotted keys of a parsed YAML mapping; a key whose schema entry is itself a mapping (a dict field) stops there. */
function leaves(node: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(node).flatMap(([k, v]) => {
    const key = prefix + k;
    return typeof v === 'object' && v !== null && !Array.isArray(v) && !EASYR1_KEYS.has(key)
      ? leaves(v as Record<string, unknown>, `${key}.`)
      : [[key, v] as [string, unknown]];
  });
}

describe('recipe export', () => {
  it('names the commits its schemas were generated from', () => {
    expect(verlSchema.commit).toBe(VERL_AT.commit);
    expect(dapoSchema.commit).toBe(DAPO_AT.commit);
    expect(easyr1Schema.commit).toBe(EASYR1_AT.commit);
  });

  it('every verl override is a key of verl (and the DAPO recipe when filtering), with its value as Hydra reads it', () => {
    for (const c of configs()) {
      const argv = verlArgv(verlRecipe(c));
      expect(argv[0]).toBe('-m');
      expect(argv[1]).toBe(c.dropFlatGroups ? 'recipe.dapo.main_dapo' : 'verl.trainer.main_ppo');
      const pairs = argv.slice(2).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]);
      const keys = c.dropFlatGroups ? DAPO_KEYS : VERL_KEYS;
      expect(pairs.filter(([k]) => !keys.has(k)).map(([k]) => k)).toEqual([]);
      expect(new Set(pairs.map(([k]) => k)).size).toBe(pairs.length);
      const got = Object.fromEntries(pairs);
      expect(got['actor_rollout_ref.model.path']).toBe('m o/del');
      // every key verl requires ("???") is set; the reward model's own rollout only where one is enabled
      for (const k of verlSchema.required.filter((r) => !r.startsWith('reward_model.'))) expect(got[k], k).toBeTruthy();
      expect(got['actor_rollout_ref.rollout.name']).toBe('vllm');
      // without dynamic batching verl asserts micro-batch sizes for the actor, the rollout and the reference
      expect(got['actor_rollout_ref.actor.use_dynamic_bsz']).toBe('True');
      expect(got['trainer.logger']).toBe('[console]');
      expect(Number(got['actor_rollout_ref.actor.optim.lr'])).toBe(c.lr);
      expect(Number(got['actor_rollout_ref.rollout.n'])).toBe(c.algo === 'mirl' ? c.k : c.G);
      expect(Number(got['data.train_batch_size'])).toBe(c.batchPrompts);
      expect(got['actor_rollout_ref.actor.optim.betas']).toBe(`[0.9,${c.adamBeta2}]`);
      expect(got['algorithm.norm_adv_by_std_in_grpo']).toBe(c.advNormalize === 'std' ? 'True' : 'False');
      expect(got['actor_rollout_ref.actor.loss_agg_mode']).toBe(
        c.lossAgg === 'token' ? 'token-mean' : 'seq-mean-token-mean',
      );
      expect(got['actor_rollout_ref.actor.use_kl_loss']).toBe(c.beta > 0 ? 'True' : 'False');
      if (c.beta > 0) expect(Number(got['actor_rollout_ref.actor.kl_loss_coef'])).toBe(c.beta);
      expect(got['algorithm.filter_groups.enable']).toBe(c.dropFlatGroups ? 'True' : undefined);
      // whole updates, as verl asserts, and as many as asked where the batch splits evenly
      const mini = Number(got['actor_rollout_ref.actor.ppo_mini_batch_size']);
      expect(c.batchPrompts % mini).toBe(0);
      if (c.batchPrompts % c.miniBatches === 0) expect(c.batchPrompts / mini).toBe(c.miniBatches);
    }
  });

  it('the share link in the header stays on one line, however long', () => {
    const link = `http://127.0.0.1:5173/#v=7&c=${'x'.repeat(300)}`;
    for (const text of [verlRecipe(DEFAULT_RL, link), easyr1Recipe(DEFAULT_RL, link)])
      expect(text.split('\n')).toContain(`# From ${link}`);
  });

  it('the verl script refuses to run without the model, data and reward it cannot know', () => {
    const r = spawnSync('bash', ['-c', verlRecipe(DEFAULT_RL)], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/MODEL_PATH/);
  });

  it('every EasyR1 key is a field of its config dataclasses, with the value the table gives', () => {
    for (const c of configs()) {
      const doc = parse(easyr1Recipe(c)) as Record<string, unknown>;
      const got = leaves(doc);
      expect(got.filter(([k]) => !EASYR1_KEYS.has(k)).map(([k]) => k)).toEqual([]);
      const want = recipeSettings(c, 'easyr1').settings.map((s) => [s.key, s.value]);
      const byKey = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
      expect([...got].sort(byKey)).toEqual([...want].sort(byKey));
      expect(['token', 'seq']).toContain(Object.fromEntries(got)['worker.actor.loss_avg_mode']);
    }
  });

  it('names what does not cross in the header, and only where the config uses it', () => {
    const mirl = verlRecipe({ ...DEFAULT_RL, algo: 'mirl' });
    const grpo = verlRecipe({ ...DEFAULT_RL, algo: 'grpo' });
    const head = (s: string) =>
      s
        .split('\n')
        .filter((l) => l.startsWith('#'))
        .join(' ')
        .replace(/\s*#\s*/g, ' ');
    expect(head(mirl)).toContain("MIRL's forking");
    expect(head(mirl)).toContain('the MI reward');
    expect(head(mirl)).toContain('decoupled segment advantages');
    expect(head(grpo)).not.toContain("MIRL's forking");
    expect(head(grpo)).not.toContain('decoupled segment advantages');
    const r1 = easyr1Recipe({ ...DEFAULT_RL, algo: 'perception-r1', percCredit: 'object', advNormalize: 'none' });
    expect(head(r1)).toContain('object credit');
    expect(head(r1)).toContain("Dr.GRPO's R - mean");
    // the update's own passes (the row's passesInUpdate): named for PEARL and VPPO, and for no other method
    const passes = 'probe rollouts and an image-dependency mask';
    expect(ALGORITHM_NAMES.filter((algo) => head(verlRecipe({ ...DEFAULT_RL, algo })).includes(passes))).toEqual([
      'pearl',
      'vppo',
    ]);
    // every comment line stays short enough to read
    for (const l of [mirl, r1].flatMap((s) => s.split('\n'))) expect(l.length).toBeLessThanOrEqual(120);
  });

  it("the README's mapping table names every row", () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const rows = readme.split('\n').filter((l) => l.startsWith('| '));
    for (const m of MAPPING)
      expect(
        rows.some((r) => r.startsWith(`| ${m.setting} |`)),
        m.setting,
      ).toBe(true);
  });
});
