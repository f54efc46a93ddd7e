// The research CLIs refuse bad input with a clear message and a non-zero exit, before doing any work.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (script: string, args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, err: r.stderr };
};

describe('finetune and eval name a family that does not exist', () => {
  it('finetune', () => {
    expect(run('scripts/finetune.ts', ['--families', 'count,boxes'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--families "boxes": choose among count, /),
    });
    expect(run('scripts/finetune.ts', ['--from', 'models/nope'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/no checkpoint at models\/nope/),
    });
  }, 120_000);

  it('eval', () => {
    expect(run('scripts/eval.ts', ['--families', 'grounding,nope', '--backend', 'wasm'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--families "nope": choose among count, /),
    });
    expect(run('scripts/eval.ts', ['--families', 'grounding'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--families runs in Node: add --backend wasm/),
    });
  }, 120_000);
});

describe('reward-check and rl-check on bad input', () => {
  it('reward-check', () => {
    expect(run('scripts/reward-check.ts', ['--config', '{bad'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--config is not JSON/),
    });
    expect(run('scripts/reward-check.ts', ['--config', '{"miAgg":"median"}'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/miAgg must be one of mean, sum/),
    });
    expect(run('scripts/reward-check.ts', ['--checkpoint', 'models/nope'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/no checkpoint at models\/nope/),
    });
    expect(run('scripts/reward-check.ts', ['--backend', 'tpu'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--backend tpu: choose wasm, cpu, webgpu/),
    });
    expect(run('scripts/reward-check.ts', ['--count', '1', '--config', '{"algo":"grpo"}'])).toMatchObject({
      code: 1,
      err: expect.stringMatching(/grpo has no perception reward/),
    });
  }, 120_000);

  it('rl-check', () => {
    expect(run('scripts/rl-check.ts', ['--mode', 'sideways'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--mode sideways: choose pool, fresh, both, sft/),
    });
    expect(run('scripts/rl-check.ts', ['--steps', '1', '--config', '{"lr":-1}'])).toMatchObject({
      code: 1,
      err: expect.stringMatching(/lr must be a number in/),
    });
    expect(run('scripts/rl-check.ts', ['--mode', 'sft', '--steps', '1', '--config', '{"lr":-1}'])).toMatchObject({
      code: 1,
      err: expect.stringMatching(/lr must be a number in/),
    });
    expect(run('scripts/rl-check.ts', ['--mode', 'sft', '--steps', '1', '--sft-batch', 'x'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--sft-batch must be an integer of at least 1, not "x"/),
    });
    // every bad flag named at once, before any work
    const r = run('scripts/rl-check.ts', ['--stepz', '3', '--pool', '0', '--heldout', '1.5', 'stray']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--stepz is not a flag here/);
    expect(r.err).toMatch(/unexpected argument "stray"/);
  }, 120_000);
});
