// The wall time of the Teaching tab's "Run the comparison" at its defaults (the core three x 3 seeds at the teaching
// size, as many at once as the page picks), in headless Chromium on wasm, and the paired verdict it reached (#46).
// Usage: tsx scripts/comparison-wall.ts [page URL, default a dev server on 5173]; the page must be served already.
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

const url = process.argv[2] ?? 'http://127.0.0.1:5173/';
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  await page.addInitScript(() => localStorage.setItem('mirl-playground-backend', 'wasm'));
  await page.goto(url);
  await page.getByTestId('tab-teaching').click();
  const runner = page.getByTestId('comparison-runner');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const width = await runner.getByTestId('cmp-width').inputValue();
  console.log(`${cores} cores, ${width} runs at once`);
  const t0 = Date.now();
  await runner.getByTestId('cmp-start').click();
  const status = runner.getByTestId('cmp-status');
  for (;;) {
    const s = (await status.textContent()) ?? '';
    console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s: ${s}`);
    if (s.startsWith('all ')) break;
    await page.waitForTimeout(30_000);
  }
  console.log(`wall time: ${((Date.now() - t0) / 60_000).toFixed(1)} min`);
  for (const li of await runner.getByTestId('cmp-verdict').locator('li').allTextContents()) console.log(li);
} finally {
  await browser.close();
}
