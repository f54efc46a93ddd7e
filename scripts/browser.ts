// Runs a page of this repo in headless Chromium with WebGPU, served by Vite,
// for the scripts (bench, pretrain, eval, experiment): their work runs on
// WebGPU in the page, this side only drives it and writes files.

import { chromium, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

/** The page that runs the module at `entry` (scripts/page.html: one page for the scripts and the e2e harnesses). */
const harnessPath = (entry: string) => `/scripts/page.html?entry=${encodeURIComponent(entry)}`;

export function requireChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    console.error(
      `Chromium not found at ${CHROMIUM_PATH}. Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.`,
    );
    process.exit(2);
  }
}

/** Opens scripts/page.html running `entry` (a module's path from the repo root, as Vite serves it), once it is ready. */
export async function withPage<T>(
  entry: string,
  fn: (page: Page) => Promise<T>,
  opts: { echoConsole?: boolean } = {},
): Promise<T> {
  requireChromium();
  // No HMR and no watching: editing the repo must not reload a long-running page.
  const server = await createServer({
    logLevel: 'error',
    server: { port: 0, host: '127.0.0.1', hmr: false, watch: { ignored: ['**/*'] } },
  });
  await server.listen();
  const addr = server.httpServer?.address();
  if (!addr || typeof addr === 'string') throw new Error('vite did not report a port');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (opts.echoConsole || m.type() === 'error') console.log(`[page] ${m.text()}`);
    });
    page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
    await page.goto(`http://127.0.0.1:${addr.port}${harnessPath(entry)}`);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 120_000 });
    return await fn(page);
  } finally {
    await browser.close();
    await server.close();
  }
}
