// Opens a harness module in scripts/page.html (the one page of the scripts and the harnesses) and waits until it
// says it is ready.
import type { Page } from '@playwright/test';

export async function openHarness(page: Page, name: 'kernels' | 'model' | 'tasks'): Promise<void> {
  await page.goto(`/scripts/page.html?entry=/e2e/harness/${name}.ts`);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
}
