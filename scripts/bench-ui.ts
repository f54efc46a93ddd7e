// How free the page's main thread stays while it trains: the production build in headless Chromium, a few finished
// runs already in the list (run files in the shape of real ones, scripts/runFiles.ts), then a default run (or the
// Teaching tab's "Run all three") measured for a while with a long-task observer, then Stop pressed as a user does.
// Printed per scenario: the share of time in long tasks (over 50 ms), the longest, and how long Stop took to show,
// each beside its goal, and against the idle page measured the same way in the same process (the reference).
//
//   npm run bench:ui [-- --seconds 30 --runs 2 --only playground|teaching --backend wasm|webgpu --out FILE.json]
//                    [--profile DIR]   (an unminified build, and a CPU profile of each window: DIR/<scenario>.cpuprofile,
//                                       its top functions by self time printed; the figures are then a profiled page's)

import { chromium, type Browser, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import { requireChromium } from './browser';
import { flags, int, optOneOf, optText } from './cliArgs';
import { makeRunFiles } from './runFiles';
import { toBase64Url } from '../src/lib/base64url';
import { SCHEMA_VERSION } from '../src/rl/configVersions';

const args = flags({
  seconds: int(30, 5, 600),
  runs: int(2, 0, 20),
  only: optOneOf(['playground', 'teaching'] as const),
  backend: optOneOf(['wasm', 'webgpu'] as const),
  out: optText(),
  profile: optText(),
});

// A link to the defaults with 1,000 steps (a link carries only what differs from the defaults).
const LONG_DEFAULT_RUN = `#v=${SCHEMA_VERSION}&c=${toBase64Url(JSON.stringify({ steps: 1000 }))}`;

const GOALS = { longShare: 0.1, longestMs: 200, stopMs: 300 };

interface Row {
  scenario: string;
  backend: string;
  seconds: number;
  /** Share of the window spent in long tasks. */
  long_share: number;
  longest_ms: number;
  long_tasks: number;
  /** From the Stop click (the input event's time) to the page showing it; null where nothing was stopped. */
  stop_ms: number | null;
  steps_seen: number;
}

// Collects long tasks from the start, and times a Stop click to the frame that shows its button disabled.
const OBSERVER = `
  window.__long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([e.startTime, e.duration]); })
    .observe({ type: 'longtask', buffered: true });
  window.__stop = null;
  document.addEventListener('click', (ev) => {
    const b = ev.target && ev.target.closest && ev.target.closest('[data-testid=stop],[data-testid=comparison-stop]');
    if (!b || !ev.isTrusted) return;
    const t0 = ev.timeStamp;
    const check = () => { if (b.disabled) window.__stop = performance.now() - t0; else requestAnimationFrame(check); };
    requestAnimationFrame(check);
  }, true);
`;

async function preload(page: Page, files: ReturnType<typeof makeRunFiles>, dir: string): Promise<void> {
  for (const [i, f] of files.entries()) {
    const p = join(dir, f.name);
    writeFileSync(p, f.text);
    await page.getByTestId('import').setInputFiles(p);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=run-row]').length >= n, i + 1, {
      timeout: 120_000,
    });
  }
}

// the Playground's step counter, or the Teaching tab's progress lines ("step N / M" on the arm that trains)
const stepOf = (page: Page) =>
  page.evaluate(() => {
    const counter = document.querySelector('[data-testid=step-counter]');
    if (counter) return Number(counter.textContent ?? 0);
    return [...document.querySelectorAll('[data-testid^=progress-]')]
      .map((e) => Number(/step (\d+) \//.exec(e.textContent ?? '')?.[1] ?? 0))
      .reduce((a, b) => a + b, 0);
  });

async function measure(page: Page, seconds: number): Promise<Omit<Row, 'scenario' | 'backend' | 'stop_ms'>> {
  const from = await page.evaluate(() => performance.now());
  const step0 = await stepOf(page).catch(() => 0);
  await page.waitForTimeout(seconds * 1000);
  const long = await page.evaluate(
    (t) => (window as unknown as { __long: [number, number][] }).__long.filter(([s]) => s >= t),
    from,
  );
  const total = long.reduce((a, [, d]) => a + d, 0);
  return {
    seconds,
    long_share: total / (seconds * 1000),
    longest_ms: Math.max(0, ...long.map(([, d]) => d)),
    long_tasks: long.length,
    steps_seen: (await stepOf(page).catch(() => step0)) - step0,
  };
}

async function stopLatency(page: Page, testId: string): Promise<number | null> {
  if (await page.getByTestId(testId).isDisabled()) {
    // the run ended inside the window (a fast backend, a short run): nothing to stop, said so
    const why = await page
      .getByTestId('run-error')
      .textContent({ timeout: 100 })
      .catch(() => null);
    console.log(`${testId}: nothing running at the end of the window${why ? ` (${why})` : ''}`);
    return null;
  }
  await page.getByTestId(testId).click({ timeout: 60_000 });
  const h = await page.waitForFunction(() => (window as unknown as { __stop: number | null }).__stop, null, {
    timeout: 120_000,
  });
  return (await h.jsonValue()) as number;
}

async function scenario(
  browser: Browser,
  url: string,
  name: 'idle' | 'playground' | 'teaching',
  backend: 'wasm' | 'webgpu',
  dir: string,
): Promise<Row> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(OBSERVER);
  await page.goto(url);
  await page.getByTestId('backend').selectOption(backend);
  await preload(page, makeRunFiles(args.runs), dir);
  // the page's defaults: a default run, long enough to outlast the window (a wasm step here takes about a second)
  await page.goto(name === 'playground' ? url + LONG_DEFAULT_RUN : url);
  await page.getByTestId('backend').selectOption(backend);
  let stopId = 'stop';
  if (name === 'playground') await page.getByTestId('start').click();
  if (name === 'teaching') {
    await page.getByTestId('tab-teaching').click();
    await page.getByTestId('run-all').click();
    stopId = 'comparison-stop';
  }
  // going: its Stop is enabled (the Teaching tab has its own, and no status line)
  if (name !== 'idle')
    await page.waitForFunction(
      (id) => (document.querySelector(`[data-testid=${id}]`) as HTMLButtonElement | null)?.disabled === false,
      stopId,
      { timeout: 120_000 },
    );
  // the page settles after its load (the runs read back, the first render) before the window opens
  await page.waitForTimeout(5000);
  const cdp = args.profile ? await context.newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  const m = await measure(page, args.seconds);
  if (cdp && args.profile) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(join(args.profile, `${name}-${backend}.cpuprofile`), JSON.stringify(profile));
    printTop(profile, `${name} ${backend}`);
  }
  const stop_ms = name === 'idle' ? null : await stopLatency(page, stopId);
  await context.close();
  return { scenario: name, backend, ...m, stop_ms };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** The functions that took the most self time in the window, as a share of it. */
function printTop(profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] }, what: string): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  (profile.samples ?? []).forEach((id, i) => {
    const dt = profile.timeDeltas?.[i] ?? 0;
    total += dt;
    const f = byId.get(id)?.callFrame;
    const key = f ? `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\//, '')}:${f.lineNumber + 1}` : '?';
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  console.log(`self time, ${what} (of ${(total / 1e6).toFixed(1)} s sampled):`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
}

requireChromium();
if (args.profile) mkdirSync(args.profile, { recursive: true });
const outDir = mkdtempSync(join(tmpdir(), 'bench-ui-'));
await build({
  logLevel: 'warn',
  build: { outDir: join(outDir, 'dist'), emptyOutDir: true, ...(args.profile ? { minify: false } : {}) },
});
const server = await preview({
  logLevel: 'warn',
  build: { outDir: join(outDir, 'dist') },
  preview: { port: 0, host: '127.0.0.1' },
});
const address = server.httpServer.address();
if (!address || typeof address === 'string') throw new Error('vite preview did not report a port');
const url = `http://127.0.0.1:${address.port}/`;
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const rows: Row[] = [];
try {
  const backends = args.backend ? [args.backend] : (['wasm', 'webgpu'] as const);
  const scenarios = args.only ? [args.only] : (['playground', 'teaching'] as const);
  rows.push(await scenario(browser, url, 'idle', 'wasm', outDir));
  for (const b of backends) for (const s of scenarios) rows.push(await scenario(browser, url, s, b, outDir));
} finally {
  await browser.close();
  server.httpServer.close();
}

const idle = rows[0];
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(
  `main thread while training, ${args.runs} finished runs in the list, ${args.seconds} s windows (goals: long tasks <= ${pct(GOALS.longShare)} of the time, none over ${GOALS.longestMs} ms, Stop shown within ${GOALS.stopMs} ms)`,
);
console.log(
  '| scenario | backend | steps seen | long tasks | share (/ goal) | longest ms (/ goal) | Stop ms (/ goal) | share / idle |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows)
  console.log(
    `| ${r.scenario} | ${r.backend} | ${r.steps_seen} | ${r.long_tasks} | ${pct(r.long_share)} (${(r.long_share / GOALS.longShare).toFixed(2)}) | ${r.longest_ms.toFixed(0)} (${(r.longest_ms / GOALS.longestMs).toFixed(2)}) | ${r.stop_ms === null ? '–' : `${r.stop_ms.toFixed(0)} (${(r.stop_ms / GOALS.stopMs).toFixed(2)})`} | ${idle.long_share > 0 ? (r.long_share / idle.long_share).toFixed(1) : '–'} |`,
  );
if (args.out) {
  writeFileSync(args.out, JSON.stringify({ goals: GOALS, runs_in_list: args.runs, rows }, null, 1) + '\n');
  console.log(`wrote ${args.out}`);
}
