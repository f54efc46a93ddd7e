import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium';

const PORT = 5179;
// The production build, served by `vite preview` under a sub-path as a static host would.
const SITE_PORT = 5180;
export const SITE_BASE = '/mirl/playground/';

// Kernel checks draw fresh random inputs each run. The seed is fixed here, in
// the main process, so that workers (which inherit the environment) agree on it.
process.env.KERNEL_SEED ??= String(Math.floor(Math.random() * 2 ** 31));

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  timeout: 180_000,
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  use: { launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } },
  projects: [
    {
      // The kernel and model harnesses (dev-server pages), and a smoke test of the user-facing
      // specs (@dev) for `npm start`: every user-facing test runs once, below, on the built site
      // that users get. The screenshot script runs the user-facing specs here in full.
      name: 'dev',
      testIgnore: 'site.spec.ts',
      grep: process.env.SCREENSHOTS ? undefined : /(kernels|model|tasks|app|firstMinute|storage)\.spec\.ts|@dev/,
      use: { baseURL: `http://127.0.0.1:${PORT}/` },
    },
    // Every user-facing spec, against a fresh production build.
    {
      name: 'site',
      testMatch: [
        'app.spec.ts',
        'playground.spec.ts',
        'site.spec.ts',
        'hub.spec.ts',
        'outside.spec.ts',
        'storage.spec.ts',
        'firstMinute.spec.ts',
        'customReward.spec.ts',
        'comparison.spec.ts',
      ],
      use: { baseURL: `http://127.0.0.1:${SITE_PORT}${SITE_BASE}` },
    },
  ],
  webServer: [
    {
      command: `npx vite --port ${PORT} --strictPort --host 127.0.0.1`,
      url: `http://127.0.0.1:${PORT}/`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      // Always a fresh build: a stale dist/ would test yesterday's site.
      command: `npx vite build --logLevel warn && npx vite preview --base ${SITE_BASE} --port ${SITE_PORT} --strictPort --host 127.0.0.1`,
      url: `http://127.0.0.1:${SITE_PORT}${SITE_BASE}`,
      reuseExistingServer: false,
      timeout: 120_000,
    },
  ],
});
