import { expect, test } from '@playwright/test';
import { GROUPS } from './harness/cases';
import { openHarness } from './harness/open';

// Fresh random inputs every run; the seed is printed so a failure can be replayed
// with KERNEL_SEED=<seed>.
const seed = Number(process.env.KERNEL_SEED ?? Math.floor(Math.random() * 2 ** 31));

test.describe('WGSL kernels against the CPU reference', () => {
  test.beforeEach(async ({ page }) => {
    await openHarness(page, 'kernels');
  });

  for (const group of GROUPS) {
    test(`${group} (seed ${seed})`, async ({ page }) => {
      const results = await page.evaluate(([g, s]) => window.kernelHarness.runGroup(g, s), [group, seed] as const);
      for (const r of results)
        console.log(
          `  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name}  rel err ${r.relErr.toExponential(2)}${r.error ? `  ${r.error}` : ''}`,
        );
      expect(results.length).toBeGreaterThan(0);
      expect(results.filter((r) => !r.ok)).toEqual([]);
    });
  }

  test('every kernel declaration compiles, with every entry point a pipeline on its generated layout', async ({
    page,
  }) => {
    const r = await page.evaluate(() => window.kernelHarness.compileAll());
    expect(r.errors).toEqual([]);
    expect(r.entryPoints).toBeGreaterThanOrEqual(27);
    expect(r.pipelines).toBe(r.entryPoints);
  });

  test('the WGSL RNG stream matches the TS one bit for bit', async ({ page }) => {
    for (const [s, stream, step] of [
      [seed, 3, 0],
      [0, 0, 0],
      [0xffffffff, 7, 123456],
    ]) {
      const bad = await page.evaluate(([a, b, c]) => window.kernelHarness.rngMismatches(a, b, c, 37, 129), [
        s,
        stream,
        step,
      ] as const);
      expect(bad).toEqual([]);
    }
  });
});

test('buffer pool reuse, pipeline cache, and device loss reported with recovery on a new device', async ({ page }) => {
  await openHarness(page, 'kernels');
  const r = await page.evaluate(() => window.kernelHarness.infraChecks!());
  expect(r.poolReused).toBe(1);
  expect(r.pipelinesAfterTwo).toBe(1);
  expect(r.lostEvents).toHaveLength(1);
  expect(String(r.dispatchError)).toMatch(/DeviceLostError: The GPU device was lost/);
  expect(r.recovered).toEqual([2, 4, 6]);
});
