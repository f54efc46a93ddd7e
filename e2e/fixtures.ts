// What several specs share: the small run config and a browser without WebGPU.
import { chromium, expect, type Page } from '@playwright/test';
import { DEFAULT_RL } from '../src/rl/config';
import { CHROMIUM_ARGS_NO_WEBGPU, CHROMIUM_PATH } from '../scripts/chromium';

/** A run small enough that a step takes seconds on SwiftShader: one prompt, held-out evaluation off. */
export const SMALL = {
  ...DEFAULT_RL,
  batchPrompts: 1,
  N: 4,
  k: 2,
  G: 4,
  heldoutEvery: 0,
  steps: 50,
  seed: 5,
  recordPrompts: 1,
};

/** The page in a fresh browser without WebGPU, once it has said so; the browser closes after `fn`. */
export async function withoutWebGpu(baseURL: string | undefined, fn: (page: Page) => Promise<void>): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS_NO_WEBGPU });
  try {
    const page = await browser.newPage();
    await page.goto(baseURL ?? '/');
    await expect(page.getByTestId('no-webgpu')).toBeVisible({ timeout: 30_000 });
    await fn(page);
  } finally {
    await browser.close();
  }
}
