import { expect, test } from '@playwright/test';
import { openHarness } from './harness/open';
import { taskDigest } from './harness/taskDigest';

test('the same seed gives the same problems and pixels in Node and in Chromium', async ({ page }) => {
  await openHarness(page, 'tasks');
  for (const seed of [0, 424242]) {
    const inBrowser = await page.evaluate(([s]) => window.taskHarness.taskDigest(s, 21), [seed] as const);
    const inNode = taskDigest(seed, 21);
    expect(inBrowser.records).toEqual(inNode.records);
    expect(inBrowser.pixels).toEqual(inNode.pixels);
    expect(new Set(inNode.pixels).size).toBe(inNode.pixels.length);
  }
});
