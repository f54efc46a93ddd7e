// The first minute of a new user (#43): the backend picked by measurement and kept when chosen, progress
// while the warm start is judged, links that keep their good fields and open on their backend, the rollout
// view and the charts mended, the task shown on the first screen, a binary file refused in words.
// Runs are tiny and on WebAssembly SIMD, so that each test takes seconds even on two cores.
import { chromium, expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { CounterRng, Streams } from '../src/lib/rng';
import { DEFAULT_RL, type RLConfig } from '../src/rl/config';
import { craftedMirlRun } from '../src/rl/runFileFixture';
import { encodeShare } from '../src/ui/share/urlCodec';
import { CHROMIUM_ARGS_NO_WEBGPU, CHROMIUM_PATH } from '../scripts/chromium';

const BACKEND_KEY = 'mirl-playground-backend';
const TINY: RLConfig = {
  ...DEFAULT_RL,
  batchPrompts: 2,
  N: 4,
  k: 2,
  G: 4,
  heldoutEvery: 0,
  steps: 2,
  seed: 5,
  recordPrompts: 1,
  metricEvery: 0,
};
/** Printable text only: no raw bytes reach a notice. */
const PRINTABLE = /^[\x20-\x7e\u00a0-\u024f\u2010-\u2027\u2190-\u21ff\u2212\u00d7\u2248]*$/;

/** Every text the status line showed, in order (a phase can be shorter than any polling interval). */
async function recordPhases(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { phases: string[] };
    w.phases = [];
    new MutationObserver(() => {
      const t = document.querySelector('[data-testid="phase"]')?.textContent ?? '';
      if (t && w.phases[w.phases.length - 1] !== t) w.phases.push(t);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { phases: string[] }).phases);
}

test('the backend is picked by measurement, a software adapter only where it is measured faster; a choice is kept across a reload', async ({
  page,
}) => {
  await page.goto('./');
  const why = page.getByTestId('backend-why');
  await expect(why).toHaveAttribute('data-by', 'measured', { timeout: 60_000 });
  const text = (await why.getAttribute('title'))!;
  console.log(`[${test.info().project.name}] probe: ${text}`);
  expect(text).toMatch(/^measured faster here: one small training step took /);
  const times = Object.fromEntries(
    [...text.matchAll(/(WebAssembly SIMD|WebGPU[^,;]*?) (\d+(?:\.\d+)?) (ms|s)/g)].map((m) => [
      m[1].startsWith('WebGPU') ? 'webgpu' : 'wasm',
      Number(m[2]) * (m[3] === 's' ? 1000 : 1),
    ]),
  );
  const late = /WebGPU.*had not finished/.test(text);
  expect(times.wasm).toBeGreaterThan(0);
  // the faster one is selected; WebGPU here is SwiftShader, software, and wins only when it measured faster
  const winner = times.webgpu !== undefined && times.webgpu < times.wasm ? 'webgpu' : 'wasm';
  await expect(page.getByTestId('backend')).toHaveValue(winner);
  if (times.webgpu !== undefined || late) expect(text).toMatch(/WebGPU \([^)]*software\)/);
  // the page stayed free while it measured: the form answers at once
  await page.getByTestId('field-seed').fill('12');
  await expect(page.getByTestId('field-seed')).toHaveValue('12');

  // an explicit choice sticks, across a reload too, with no measuring
  const other = winner === 'wasm' ? 'webgpu' : 'wasm';
  await page.getByTestId('backend').selectOption(other);
  await expect(why).toHaveAttribute('data-by', 'chosen');
  await page.reload();
  await expect(page.getByTestId('backend')).toHaveValue(other);
  await expect(why).toContainText('your choice, kept from your last visit');
  expect(await page.evaluate((k) => localStorage.getItem(k), BACKEND_KEY)).toBe(other);
  // and can be given back to the measurement
  await page.getByTestId('backend-measure').click();
  await expect(why).toHaveAttribute('data-by', 'measured', { timeout: 60_000 });
  await expect(page.getByTestId('backend')).toHaveValue(winner);
  expect(await page.evaluate((k) => localStorage.getItem(k), BACKEND_KEY)).toBeNull();
});

test('without WebGPU: not offered, a calm note, and a link made on WebGPU waits for Start on WebAssembly SIMD', async ({
  baseURL,
}) => {
  const b = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS_NO_WEBGPU });
  try {
    const page = await b.newPage();
    await page.goto(baseURL!);
    const note = page.getByTestId('no-webgpu');
    await expect(note).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('backend')).toHaveValue('wasm');
    await expect(page.getByTestId('backend').locator('option')).toHaveText([/WebAssembly/, /CPU reference/]);
    await expect(page.getByTestId('backend-why')).toHaveAttribute('data-by', 'only');
    // calm: no error box, no red, the advice folded
    await expect(note).not.toHaveClass(/error/);
    expect(await note.evaluate((e) => getComputedStyle(e).backgroundColor)).not.toMatch(
      /rgb\(2[0-9]{2}, 2[0-4][0-9], 2[0-4][0-9]\)/,
    );
    await expect(page.getByTestId('wasm-note')).toContainText('(selected)');
    await expect(page.getByText(/--enable-unsafe-webgpu/)).toBeHidden();
    await page.getByTestId('webgpu-advice').locator('summary').click();
    await expect(page.getByText(/--enable-unsafe-webgpu/)).toBeVisible();
    await expect(page.locator('.error')).toHaveCount(0);

    // a link made on WebGPU, asking to start: loaded on wasm, said so, and not started by itself
    // (opened fresh, in a new tab, and pasted into this one)
    const link = encodeShare({ ...TINY, algo: 'grpo' }, true, 'webgpu');
    const fresh = await b.newPage();
    await fresh.goto(`${baseURL}${link}`);
    await page.evaluate((h) => void (location.hash = h), link);
    for (const p of [fresh, page]) {
      await expect(p.getByTestId('backend-why')).toContainText('the link was made on WebGPU', { timeout: 30_000 });
      await expect(p.getByTestId('field-algo')).toHaveValue('grpo');
      await expect(p.getByTestId('backend')).toHaveValue('wasm');
    }
    await page.waitForTimeout(1500);
    for (const p of [fresh, page]) {
      await expect(p.getByTestId('run-row')).toHaveCount(0);
      await expect(p.getByTestId('status')).toHaveText('idle');
    }
    // Start runs it here, on wasm
    await fresh.getByTestId('start').click();
    await expect(fresh.getByTestId('run-label').first()).toHaveValue(/ wasm$/);
  } finally {
    await b.close();
  }
});

test('a link made on wasm opens on wasm and starts there, whatever backend this browser prefers; its run links say wasm', async ({
  page,
  baseURL,
}) => {
  await page.addInitScript((k) => localStorage.setItem(k, 'webgpu'), BACKEND_KEY);
  await page.goto('./' + encodeShare({ ...TINY, steps: 1 }, true, 'wasm'));
  await expect(page.getByTestId('backend')).toHaveValue('wasm');
  await expect(page.getByTestId('backend-why')).toContainText('named by the link');
  await expect(page.getByTestId('run-label').first()).toHaveValue(/ wasm$/, { timeout: 30_000 });
  await expect(page.getByTestId('status')).toHaveText('done', { timeout: 120_000 });
  // the run's own link and the share link name the backend it ran on
  await page.getByTestId('link-1').click();
  expect(await page.getByTestId('share-url').inputValue()).toMatch(
    new RegExp(`^${baseURL}#v=7&c=[\\w-]+&b=wasm&run=1$`),
  );
  await page.getByTestId('share').click();
  expect(await page.getByTestId('share-url').inputValue()).toContain('&b=wasm');
  // the user's own choice stays where it was for the next visit
  expect(await page.evaluate((k) => localStorage.getItem(k), BACKEND_KEY)).toBe('webgpu');
});

test('the warm start held-out evaluation and the first step show samples done of all, and the time left', async ({
  page,
}) => {
  const phases = await recordPhases(page);
  // long enough that each counted phase outlasts the page's 100 ms batches of the worker's messages
  const cfg = { ...TINY, batchPrompts: 8, steps: 1, heldoutEvery: 1, heldoutCount: 120, heldoutSamples: 2 };
  await page.goto('./' + encodeShare(cfg, true, 'wasm'));
  await expect(page.getByTestId('status')).toHaveText('done', { timeout: 150_000 });
  const seen = await phases();
  const total = cfg.heldoutCount * (1 + cfg.heldoutSamples);
  const held = seen.filter((t) => /^step 1: held-out: scoring the warm start… \d/.test(t));
  // counted in samples of all of them (greedy and sampled), with the time left once there is a rate; the
  // first counts can fall within one frame, so which of them shows is not fixed
  expect(held.length, seen.join('\n')).toBeGreaterThan(0);
  for (const t of held) expect(t).toMatch(new RegExp(`… \\d+ / ${total} samples(, about \\d+ (s|min) left)?$`));
  expect(held.some((t) => new RegExp(`… (?!0 )\\d+ / ${total} samples, about \\d+ (s|min) left$`).test(t))).toBe(true);
  const done = held.map((t) => Number(t.match(/… (\d+) \//)![1]));
  expect(done).toEqual([...done].sort((a, c) => a - c));
  // the step's sampling: its rows finished of all of them
  const rows = cfg.batchPrompts * cfg.N;
  expect(seen.some((t) => new RegExp(`^step 1: sampling and scoring rollouts… \\d+ / ${rows} samples`).test(t))).toBe(
    true,
  );
  // and after the step, the end-of-run held-out evaluation counts too
  expect(seen.some((t) => /held-out evaluation… \d+ \/ \d+ samples/.test(t))).toBe(true);
});

test('a link with bad fields names each and drops it, keeps the good ones, and does not start; random cases too', async ({
  page,
}) => {
  const link = (diff: object) => `./#v=7&c=${Buffer.from(JSON.stringify(diff)).toString('base64url')}&b=wasm&run=1`;
  await page.goto(link({ algo: 'grpo', seed: 42, G: 6, lr: 'abc' }));
  const note = page.getByTestId('url-error');
  await expect(note).toContainText('Part of this link could not be used');
  await expect(note).toContainText(`learning rate must be a number in`);
  await expect(note).toContainText(`the link's "abc" was dropped, 0.0001 kept`);
  await expect(note).not.toHaveClass(/error/);
  await expect(page.getByTestId('field-algo')).toHaveValue('grpo');
  await expect(page.getByTestId('field-seed')).toHaveValue('42');
  await expect(page.getByTestId('field-G')).toHaveValue('6');
  await expect(page.getByTestId('field-lr')).toHaveValue('0.0001');
  await page.waitForTimeout(1000);
  await expect(page.getByTestId('run-row')).toHaveCount(0);

  // random links this test has never seen: a random subset of good fields and of bad ones
  const seed = Math.floor(Math.random() * 2 ** 31);
  const rng = new CounterRng(seed, Streams.test, 43);
  const good: [string, unknown, string][] = [
    ['algo', 'grpo', 'field-algo'],
    ['seed', 77, 'field-seed'],
    ['lr', 0.0002, 'field-lr'],
    ['steps', 30, 'field-steps'],
    ['batchPrompts', 4, 'field-batchPrompts'],
  ];
  const bad: [string, unknown, RegExp][] = [
    ['lr', 'fast', /learning rate must be/],
    ['steps', -3, /steps must be/],
    ['seed', 1.5, /seed must be/],
    ['batchPrompts', '16', /prompts/],
    ['algo', 'ppo', /algorithm must be/],
    ['bogus', true, /unknown setting "bogus"/],
  ];
  for (let i = 0; i < 3; i++) {
    const diff: Record<string, unknown> = {};
    const kept = good.filter(() => rng.int(2) === 1);
    for (const [k, v] of kept) diff[k] = v;
    const wrong = bad.filter(([k]) => !(k in diff) && rng.int(2) === 1).slice(0, 3);
    if (wrong.length === 0) wrong.push(bad[5]);
    for (const [k, v] of wrong) diff[k] = v;
    await page.goto(link(diff));
    await page.reload();
    const said = `seed ${seed}, link ${JSON.stringify(diff)}`;
    for (const [, , re] of wrong) await expect(note, said).toContainText(re);
    for (const [k, v, id] of kept) await expect(page.getByTestId(id), `${said}: ${k}`).toHaveValue(String(v));
    expect(await note.textContent(), said).toMatch(PRINTABLE);
  }
});

async function importFile(page: Page, name: string, buffer: Buffer) {
  await page.getByTestId('import').setInputFiles({ name, mimeType: 'application/json', buffer });
}

test('the rollout view explains itself: the reward-blind tag, a gated R_perc, prompts recorded of all, one step numbering', async ({
  page,
}) => {
  await page.goto('./');
  await importFile(page, 'run.json', Buffer.from(craftedMirlRun('mirl crafted')));
  const view = page.getByTestId('rollouts');
  await expect(view.getByTestId('pick-step')).toHaveValue('59');
  await expect(view.getByTestId('pick-step').locator('option:checked')).toHaveText('60');
  await expect(view.getByTestId('recorded-note')).toContainText(
    `Recorded: 2 of the ${DEFAULT_RL.batchPrompts} prompts of each step`,
  );
  await expect(view.getByTestId('recorded-note')).toContainText('numbered from 1');
  // the reward-blind tag says what it means on hover
  const blind = view.getByTestId('blind-badge');
  await expect(blind).toHaveCount(1);
  await expect(blind).toHaveAttribute('title', /pushes this wrong description up/);
  // R_perc 6.54 beside MI 16.08: the gate, said in the tree and the table
  await expect(view.getByTestId('gated-badge')).toHaveText('gated: R_perc 6.54, not its MI');
  await expect(view.getByTestId('gated-badge')).toHaveAttribute('title', /malformed.*lowest.*16\.08 nats/);
  await expect(view.getByTestId('rperc-why')).toHaveCount(1);
  await expect(view.getByTestId('rperc-why')).toHaveAttribute('title', /^gated: the description is malformed/);
  // the chart hovered at the last step says the same step as the rollout picker
  const chart = page.getByTestId('chart-answer accuracy (rollouts)');
  await chart.scrollIntoViewIfNeeded();
  const grid = (await chart.locator('.recharts-cartesian-grid').boundingBox())!;
  await page.mouse.move(grid.x + grid.width - 1, grid.y + grid.height / 2);
  await expect(chart.getByTestId('chart-tip')).toContainText('step 60');
});

test('charts: whole tooltip values, distinct ticks, whole steps, one step range for every chart', async ({ page }) => {
  await page.goto('./');
  const long = 'mirl N10 k6 P16 seed 1 a rather long run name that does not fit the tooltip';
  await importFile(page, 'run.json', Buffer.from(craftedMirlRun(long)));
  const nll = page.getByTestId('chart-ground-truth description NLL (held-out)');
  await nll.scrollIntoViewIfNeeded();
  // the charts take a new run one after another, a task each
  await expect
    .poll(async () => (await nll.locator('.recharts-yAxis-tick-labels text').allTextContents()).length)
    .toBeGreaterThan(2);
  const yTicks = await nll.locator('.recharts-yAxis-tick-labels text').allTextContents();
  expect(yTicks.length).toBeGreaterThan(2);
  expect(new Set(yTicks).size, yTicks.join(' ')).toBe(yTicks.length);
  // every chart's x axis: whole steps, and the same last tick (KL, measured every 10 steps, ends at 60 too)
  const lastTicks = new Set<string>();
  const charts = page.locator('[data-testid^="chart-"].chart');
  await expect.poll(() => charts.last().locator('.recharts-xAxis-tick-labels text').count()).toBeGreaterThan(0);
  for (const chart of await charts.all()) {
    const xt = await chart.locator('.recharts-xAxis-tick-labels text').allTextContents();
    if (xt.length === 0) continue;
    for (const t of xt) expect(t, `${await chart.getAttribute('data-testid')}: ${xt}`).toMatch(/^\d+$/);
    lastTicks.add(xt[xt.length - 1]);
  }
  expect([...lastTicks]).toEqual(['60']);
  // the tooltip: the run's name gives way, the value never does
  const rollout = page.getByTestId('chart-answer accuracy (rollouts)');
  await rollout.scrollIntoViewIfNeeded();
  const grid = (await rollout.locator('.recharts-cartesian-grid').boundingBox())!;
  await page.mouse.move(grid.x + grid.width / 2, grid.y + grid.height / 2);
  const tip = rollout.getByTestId('chart-tip');
  await expect(tip).toBeVisible();
  const value = tip.getByTestId('tip-value').first();
  await expect(value).toHaveText(/^: \d+(\.\d+)?%$/);
  const [t, v] = [(await tip.boundingBox())!, (await value.boundingBox())!];
  expect(v.x + v.width).toBeLessThanOrEqual(t.x + t.width + 0.5);
  expect(await value.evaluate((e) => e.scrollWidth <= e.clientWidth + 1)).toBe(true);
});

test('the first screen says what the task is: a scene, its question and its answer, above the fold', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('./');
  const ex = page.getByTestId('example-problem');
  await expect(ex.locator('canvas')).toHaveCount(1);
  await expect(ex.getByTestId('example-question')).toHaveText(/\?$/);
  await expect(ex.getByTestId('example-answer')).toHaveText(/\S/);
  const box = (await ex.boundingBox())!;
  expect(box.y + box.height).toBeLessThan(300);
  await expect(page.getByTestId('lede')).toContainText('look at a picture, say what it sees and answer a question');
  // the basics and Start stay on the first screen
  for (const id of ['field-algo', 'field-seed', 'start'])
    expect((await page.getByTestId(id).boundingBox())!.y, id).toBeLessThan(900);
  // the picture follows the form's task families
  await page.getByTestId('advanced').locator('summary').click();
  const q = await ex.getByTestId('example-question').textContent();
  await page.getByTestId('family-existence').check();
  for (const f of ['count', 'attribute', 'spatial', 'comparison', 'arithmetic']) {
    const family = page.getByTestId(`family-${f}`);
    if (await family.isChecked()) await family.uncheck();
  }
  await expect(ex.getByTestId('example-question')).not.toHaveText(q!);
  await expect(ex.getByTestId('example-question')).toContainText('which of these is in the image');
});

test('importing a random binary file says it is one, with none of its bytes', async ({ page }) => {
  await page.goto('./');
  const seed = Math.floor(Math.random() * 2 ** 31);
  const rng = new CounterRng(seed, Streams.test, 44);
  const bytes = Buffer.from(Uint8Array.from({ length: 3000 }, () => rng.int(256)));
  await page
    .getByTestId('import')
    .setInputFiles({ name: 'random.bin', mimeType: 'application/octet-stream', buffer: bytes });
  const notice = page.getByTestId('notice').last();
  await expect(notice).toContainText('import failed: not a run file: this is a binary file', { timeout: 10_000 });
  expect(await notice.textContent(), `seed ${seed}`).toMatch(PRINTABLE);
  // a PNG too, the likeliest wrong file
  await page
    .getByTestId('import')
    .setInputFiles({
      name: 'shot.png',
      mimeType: 'image/png',
      buffer: readFileSync('docs/screenshots/first-screen.png'),
    });
  await expect(page.getByTestId('notice')).toHaveCount(2);
  await expect(page.getByTestId('notice').last()).toContainText('binary file');
  await expect(page.locator('[data-testid^=export-]')).toHaveCount(0);
});
