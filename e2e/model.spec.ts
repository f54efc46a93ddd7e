import { expect, test } from '@playwright/test';
import { openHarness } from './harness/open';

const seed = Number(process.env.KERNEL_SEED ?? 1);

test.describe('TinyVLM', () => {
  test(`CPU and WebGPU give the same logits, gradients and update (seed ${seed})`, async ({ page }) => {
    await openHarness(page, 'model');
    const results = (await page.evaluate((s) => window.modelHarness.cpuVsGpu(s as never), seed)) as {
      name: string;
      relErr: number;
      error: string | null;
    }[];
    const bad = results.filter((r) => r.error);
    for (const r of bad) console.log(`FAIL ${r.name}: ${r.error}`);
    console.log(
      `worst relative error ${Math.max(...results.map((r) => r.relErr)).toExponential(2)} over ${results.length} tensors`,
    );
    expect(results.length).toBeGreaterThan(50);
    expect(bad).toEqual([]);
  });

  test('a few steps on one fixed batch drive the loss down by a large factor', async ({ page }) => {
    await openHarness(page, 'model');
    const losses = (await page.evaluate(() => window.modelHarness.overfit(40 as never, 3 as never))) as number[];
    console.log(`loss ${losses[0].toFixed(3)} -> ${losses[losses.length - 1].toFixed(3)}`);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 5);
  });
});

test('sampling: the same seed gives the same tokens, and continuing a prefix gives what sampling in one go gave', async ({
  page,
}) => {
  await openHarness(page, 'model');
  const r = (await page.evaluate(() => window.modelHarness.sampling(11 as never))) as {
    first: number[][];
    second: number[][];
    continued: number[][];
    expected: number[][];
  };
  expect(r.first.some((t) => t.length > 4)).toBe(true); // rows may stop early at </ans>; the continuation check covers both
  expect(r.second).toEqual(r.first);
  expect(r.continued).toEqual(r.expected);
  expect(new Set(r.first.map((t) => t.join(','))).size).toBeGreaterThan(1);
});

test('a missing or truncated checkpoint is refused with a clear message; a good one loads with progress', async ({
  page,
}) => {
  await openHarness(page, 'model');
  const msgs = (await page.evaluate(() => window.modelHarness.badCheckpoints())) as string[];
  expect(msgs[0]).toMatch(
    /CheckpointError: could not fetch \/models\/no-such-model\/model.safetensors: (HTTP 404|the server answered with an HTML page)/,
  );
  expect(msgs[1]).toMatch(/CheckpointError: .*truncated/);
  expect(msgs[2]).toMatch(/loaded \d+ tensors, progress reached (\d+) of \1/);
});
