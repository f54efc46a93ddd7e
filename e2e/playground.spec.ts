// The playground as a user drives it, in headless Chromium on WebGPU (SwiftShader),
// with small settings so that a step takes seconds there.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { comparisonArms } from '../src/rl/comparison';
import { DEFAULT_RL } from '../src/rl/config';
import { groundingScore, parseBoxes } from '../src/tasks/boxes';
import { parseCompletion } from '../src/tasks/verifier';
import { decodeShare, encodeShare } from '../src/ui/share/urlCodec';
import { SMALL, withoutWebGpu } from './fixtures';

// These tests drive WebGPU (SwiftShader) as a user who chose it: the choice is kept in localStorage, so the page
// does not measure (the measured choice, which picks wasm here, has its own tests in firstMinute.spec.ts). Tests of
// the page's own mechanics (the curves, a paused run's config edited, a resume after a reload), whose steps are the
// same on any backend, are tagged @wasm and train on the WebAssembly SIMD backend, an order of magnitude faster here;
// the WebGPU training path keeps its own tests (the first run, object credit, grounding, VPPO/PEARL, a reproduced
// link, Stop and a reload mid-run, a resume in another profile, the first screen).
const chooseBackend = (backend: string) => {
  if (!localStorage.getItem('mirl-playground-backend')) localStorage.setItem('mirl-playground-backend', backend);
};
const backendOf = (tags: readonly string[]) => (tags.includes('@wasm') ? 'wasm' : 'webgpu');
test.beforeEach(({ context }, info) => context.addInitScript(chooseBackend, backendOf(info.tags)));

// Screenshots go to the test output, or with SCREENSHOTS=docs/screenshots (npm run screenshots) to the docs: a test run rewrites no tracked file.
const shots = () => process.env.SCREENSHOTS ?? test.info().outputDir;

async function stepCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('step-counter').textContent());
}

/** Types a value into a config field and commits it, as a user does with Enter. */
async function enter(page: Page, testId: string, value: string) {
  await page.getByTestId(testId).fill(value);
  await page.getByTestId(testId).press('Enter');
}

/** A literal string as a pattern. */
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Text under `root` below 4.5:1 against its composited background (WCAG AA), as "text (ratio)". */
async function lowContrast(root: ReturnType<Page['getByTestId']>): Promise<string[]> {
  return root.evaluate((el) => {
    const parse = (c: string) => (c.match(/[\d.]+/g) ?? ['0', '0', '0', '0']).map(Number).concat([1]).slice(0, 4);
    const lum = (rgb: number[]) =>
      rgb
        .slice(0, 3)
        .map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4))
        .reduce((a, c, i) => a + c * [0.2126, 0.7152, 0.0722][i], 0);
    const over = (top: number[], under: number[]) =>
      top.slice(0, 3).map((c, i) => top[3] * c + (1 - top[3]) * under[i]);
    const bad: string[] = [];
    for (const e of [el, ...el.querySelectorAll('*')] as HTMLElement[]) {
      const own = [...e.childNodes]
        .filter((n) => n.nodeType === 3 && n.textContent!.trim())
        .map((n) => n.textContent!.trim());
      // WCAG 1.4.3 exempts inactive controls
      if (!own.length || e.offsetParent === null || e.closest(':disabled')) continue;
      const layers: number[][] = [];
      for (let a: HTMLElement | null = e; a; a = a.parentElement)
        layers.push(parse(getComputedStyle(a).backgroundColor));
      const bg = layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255]);
      const fg = over(parse(getComputedStyle(e).color), bg);
      const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      const ratio = (hi + 0.05) / (lo + 0.05);
      if (ratio < 4.5) bad.push(`${own.join(' ').slice(0, 40)} (${ratio.toFixed(2)})`);
    }
    return bad;
  });
}

async function waitSteps(page: Page, n: number) {
  await expect.poll(() => stepCount(page), { timeout: 150_000, intervals: [500] }).toBeGreaterThanOrEqual(n);
}

async function exportRunFile(page: Page): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-testid^=export-]').first().click(),
  ]);
  return (await download.path())!;
}

async function exportMetrics(page: Page): Promise<Record<string, unknown>[]> {
  const run = JSON.parse(readFileSync(await exportRunFile(page), 'utf8'));
  return run.metrics.map(({ step_ms: _a, phase_ms: _b, ...m }: Record<string, unknown>) => m);
}

test(
  'start a run from a share URL, watch it advance, pause, step once; the fork tree and table agree',
  { tag: '@dev' },
  async ({ page }) => {
    await page.goto('./' + encodeShare(SMALL, true));
    await waitSteps(page, 2);
    await expect(page.getByTestId('throughput')).toContainText(/ s\/step on average \(last \d+\.\d s\)/);
    await expect(page.locator('[data-testid="chart-answer accuracy (rollouts)"] .recharts-line path')).toHaveCount(2); // smoothed, raw behind
    await page.getByTestId('pause').click();
    await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
    const before = await stepCount(page);
    await page.getByTestId('step').click();
    await expect.poll(() => stepCount(page), { timeout: 60_000 }).toBe(before + 1);
    await expect(page.getByTestId('status')).toHaveText('paused');

    // the fork tree of the latest step: N descriptions with MI scores, k kept
    const tree = page.getByTestId('rollouts').getByTestId('fork-tree');
    await expect(tree.getByTestId('mi-value')).toHaveCount(SMALL.N);
    await expect(tree.getByTestId('branch-kept')).toHaveCount(SMALL.k);
    await expect(tree.getByTestId('branch-dropped')).toHaveCount(SMALL.N - SMALL.k);
    // the same rewards in both (read together: the view may still be taking the newest step in)
    const rewardsOf = async () => ({
      tree: (await tree.getByTestId('answer-reward').allTextContents()).map((t) => t.replace('R_ans ', '')).sort(),
      table: (await page.getByTestId('row-rans').allTextContents()).filter((t) => t !== '–').sort(),
    });
    await expect
      .poll(async () => {
        const r = await rewardsOf();
        return r.tree.length > 0 && r.tree.join() === r.table.join() ? 'same' : JSON.stringify(r);
      })
      .toBe('same');
    // every number explained where it stands: a legend, MI in nats, why a branch was dropped, header tooltips
    await expect(tree.getByTestId('fork-legend')).toContainText('sorted by MI');
    await expect(tree.getByTestId('mi-value').first()).toContainText(/MI -?\d+\.\d\d nats/);
    for (const why of await tree.getByTestId('dropped-why').allTextContents())
      expect(why).toMatch(/not among the top 2 by MI|malformed description/);
    for (const h of await page.getByTestId('trajectory-table').locator('th').all())
      if ((await h.textContent())?.trim()) expect(await h.getAttribute('title')).toBeTruthy();
    // every text of the fork tree and the table, tokens on their tints included, meets WCAG AA (4.5:1)
    for (const by of ['advantage', 'logp', 'entropy', 'dependency']) {
      await page.getByTestId('color-by').selectOption(by);
      expect(await lowContrast(page.getByTestId('rollouts')), by).toEqual([]);
    }
    await page.getByTestId('color-by').selectOption('advantage');
    // a dropped pre-sample's answer is a muted grey "–", not a pill coloured by another view's rule
    const dash = page.getByTestId('rollouts').locator('.badge.muted').first();
    await expect(dash).toHaveText('–');
    expect(await dash.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(229, 231, 235)');
    await page.setViewportSize({ width: 1300, height: 2600 });
    await page.screenshot({ path: `${shots()}/playground.png`, fullPage: true });
    await page.getByTestId('rollouts').screenshot({ path: `${shots()}/fork-tree.png` });
  },
);

test(
  'editing the config of a paused run and pressing Step starts a new run beside it',
  { tag: '@wasm' },
  async ({ page }) => {
    await page.goto('./' + encodeShare(SMALL, false));
    await page.getByTestId('step').click();
    await waitSteps(page, 1);
    await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
    await page.getByTestId('field-algo').selectOption('grpo');
    await page.getByTestId('step').click();
    // a new run at step 1, the first one kept on the charts
    await expect(page.getByTestId('legend-item')).toHaveCount(2, { timeout: 150_000 });
    const legend = await page.getByTestId('legend-item').allTextContents();
    expect(legend.some((t) => t.trim().startsWith('grpo')) && legend.some((t) => t.trim().startsWith('mirl'))).toBe(
      true,
    );
    await waitSteps(page, 1);
    await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
    expect(await stepCount(page)).toBe(1);
  },
);

test('perception-r1 with object credit trains on WebGPU: finite losses, and its description tokens carry more than one advantage', async ({
  page,
}) => {
  await page.goto('./' + encodeShare({ ...SMALL, algo: 'perception-r1', percCredit: 'object' }, true));
  await expect(page.getByTestId('field-percCredit')).toHaveValue('object');
  await waitSteps(page, 2);
  await page.getByTestId('pause').click();
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  const run = JSON.parse(readFileSync(await exportRunFile(page), 'utf8'));
  for (const m of run.metrics.slice(0, 2)) expect(Number.isFinite(m.loss), JSON.stringify(m)).toBe(true);
  // per-unit credit: within some description with both a right and a wrong unit, its tokens' advantages differ
  const spreads = run.records.flatMap((r: { trajectories: { description: string[]; tokAdv: number[] }[] }) =>
    r.trajectories.map((t) => {
      const a = t.tokAdv.slice(0, t.description.length);
      return a.length ? Math.max(...a) - Math.min(...a) : 0;
    }),
  );
  expect(Math.max(...spreads)).toBeGreaterThan(0.01);
});

test("Visual-RFT's grounding family from a link: the run starts from the grounding warm start, and its boxes earn partial credit", async ({
  page,
  context,
}) => {
  const urls: string[] = [];
  context.on('request', (r) => urls.push(r.url()));
  await page.goto('./' + encodeShare({ ...SMALL, algo: 'grpo', G: 4, families: ['grounding'], formatReward: 0 }, true));
  await expect(page.getByTestId('family-grounding')).toBeChecked();
  await waitSteps(page, 1);
  await page.getByTestId('pause').click();
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  // the checkpoint fetched is the one that learned to write boxes, not the shipped warm start
  expect(urls.some((u) => /tinyvlm-v1g\/model\.[\w.-]*safetensors$/.test(u))).toBe(true);
  expect(urls.some((u) => /tinyvlm-v1\/model\.[\w.-]*safetensors$/.test(u))).toBe(false);
  const run = JSON.parse(readFileSync(await exportRunFile(page), 'utf8'));
  expect(run.records[0].family).toBe('grounding');
  expect(run.records[0].answer).toMatch(/^\d+ \d+ \d+ \d+( ; \d+ \d+ \d+ \d+)*$/);
  // with no format reward, the answer reward is the IoU score itself: recomputed here from the boxes each wrote
  const truth = parseBoxes(run.records[0].answer.split(' '))!;
  const trajectories = run.records[0].trajectories as { description: string[]; continuation: string[]; rAns: number }[];
  for (const t of trajectories) {
    const answer = parseCompletion([...t.description, '</desc>', ...t.continuation]).answer;
    expect(t.rAns).toBeCloseTo(answer ? groundingScore(parseBoxes(answer), truth).score : 0, 12);
  }
  // and some earn partial credit: more than nothing, less than a perfect match
  expect(trajectories.some((t) => t.rAns > 0 && t.rAns < 1)).toBe(true);
});

test('the warm start named in a link holds whatever the families, and the panel names it in the link it shares', async ({
  page,
}) => {
  // only the checkpoint fetch is waited for, so it runs in both projects (the built site hashes the file name)
  await page.goto('./' + encodeShare({ ...SMALL, algo: 'grpo', warmStart: 'tinyvlm-v1g' }, false));
  await page.getByTestId('advanced').locator('summary').click();
  await expect(page.getByTestId('group-start').getByTestId('field-warmStart')).toHaveValue('tinyvlm-v1g');
  await expect(page.getByTestId('family-grounding')).not.toBeChecked();
  const fetched = page.waitForRequest((r) => /tinyvlm-v1g?\/model\.[\w.-]*safetensors$/.test(r.url()));
  await page.getByTestId('start').click();
  // the default mix alone would take the shipped warm start: the named one wins
  expect((await fetched).url()).toMatch(/tinyvlm-v1g\/model/);
  await page.getByTestId('stop').click();
  // back to auto from the panel: the link no longer names it
  await page.getByTestId('field-warmStart').selectOption('auto');
  await page.getByTestId('share').click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(decodeShare(url.slice(url.indexOf('#'))).config).toMatchObject({ warmStart: 'auto', algo: 'grpo' });
});

test('VPPO from a link and PEARL from the panel train on WebGPU (RACRO: its fields in the panel): the mask struck through, the probe accuracy per group', async ({
  page,
}) => {
  await page.goto('./' + encodeShare({ ...SMALL, algo: 'vppo', vppoTopFrac: 0.4 }, true));
  await expect(page.getByTestId('field-algo')).toHaveValue('vppo');
  await waitSteps(page, 1);
  await page.getByTestId('pause').click();
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  // the tokens VPPO left out of the loss are struck through, and the legend says why
  await expect(page.getByTestId('mask-legend')).toBeVisible();
  const off = await page.getByTestId('trajectory-table').locator('.tok-off').count();
  const all = await page.getByTestId('trajectory-table').locator('.tok').count();
  expect(off).toBeGreaterThan(0);
  expect(off).toBeLessThan(all);
  const run = JSON.parse(readFileSync(await exportRunFile(page), 'utf8'));
  expect(Number.isFinite(run.metrics[0].loss)).toBe(true);
  for (const t of run.records[0].trajectories as { tokMask: number[]; tokAdv: number[] }[]) {
    expect(t.tokMask.filter((m) => m === 1).length).toBe(Math.ceil(0.4 * t.tokMask.length - 1e-9));
    t.tokMask.forEach((m, j) => m === 0 && expect(t.tokAdv[j]).toBe(0));
  }
  // the panel: RACRO shows G and hides VPPO's settings (its reward is tested in Node: loop and reward-check tests)
  await page.getByTestId('field-algo').selectOption('racro');
  await page.getByTestId('advanced').locator('summary').click();
  await expect(page.getByTestId('field-G')).toBeVisible();
  await expect(page.getByTestId('field-vppoTopFrac')).toBeHidden();
  await page.getByTestId('field-algo').selectOption('vppo');
  await expect(page.getByTestId('field-vppoTopFrac')).toBeVisible();
  // PEARL from the panel: its probe weight shown; a step's R_perc is the group's probe accuracy, one value per group
  await page.getByTestId('field-algo').selectOption('pearl');
  await expect(page.getByTestId('field-pearlProbeWeight')).toBeVisible();
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-label').last()).toHaveValue(/^pearl G4/);
  await expect
    .poll(async () => (await page.getByTestId('row-rperc').allTextContents()).join(' '), { timeout: 150_000 })
    .toMatch(/^(0\.000|0\.250|0\.500|0\.750|1\.000)( \1){3}$/);
  expect(page.url()).toContain('#v=7&');
});

test('the share URL reproduces the run: same metrics step for step', async ({ page, browser, baseURL }) => {
  await page.goto('./');
  await enter(page, 'field-seed', '11');
  await page.getByTestId('advanced').locator('summary').click(); // temperature, lengths and the held-out set are advanced
  for (const [k, v] of Object.entries({
    batchPrompts: 1,
    N: 4,
    k: 2,
    heldoutEvery: 0,
    temperature: 0.7,
    maxDescTokens: 20,
  })) {
    await enter(page, `field-${k}`, String(v));
  }
  await page.getByTestId('share').click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(url).toContain('#v=7&c=');
  expect(url.startsWith(baseURL!), `${url} is not on ${baseURL}`).toBe(true);
  await page.getByTestId('start').click();
  await waitSteps(page, 2);
  await page.getByTestId('pause').click();
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  const first = (await exportMetrics(page)).slice(0, 2);

  const other = await browser.newPage();
  await other.goto(url);
  await waitSteps(other, 2);
  await other.getByTestId('pause').click();
  await expect(other.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  const second = (await exportMetrics(other)).slice(0, 2);
  expect(second).toEqual(first);

  // the first page's run, exported and imported here, joins this one on the same axes
  await other.getByTestId('import').setInputFiles(await exportRunFile(page));
  await expect(other.getByTestId('run-row')).toHaveCount(2);
  await expect(other.getByTestId('legend-item')).toHaveCount(2);
  await expect(other.locator('[data-testid="chart-answer accuracy (rollouts)"] .recharts-line path')).toHaveCount(4);
  await other
    .getByTestId('import')
    .setInputFiles({
      name: 'bad.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"kind":"something else"}'),
    });
  await expect(other.getByTestId('notice').last()).toContainText('import failed: not a run file');
  await other.close();
});

test('a share link pasted into an open tab applies its config; while a run is live it asks first', async ({ page }) => {
  const paste = (c: typeof SMALL) => page.evaluate((h) => void (location.hash = h), encodeShare(c, false));
  await page.goto('./' + encodeShare({ ...SMALL, algo: 'mirl' }, false));
  await expect(page.getByTestId('field-algo')).toHaveValue('mirl');
  await paste({ ...SMALL, algo: 'grpo', G: 6 });
  await expect(page.getByTestId('field-algo')).toHaveValue('grpo');
  await expect(page.getByTestId('field-G')).toHaveValue('6');
  // with a run live, the page asks; declined, the form and the address bar keep the live config
  await page.getByTestId('start').click();
  await expect(page.getByTestId('status')).toHaveText(/loading|running/);
  page.once('dialog', (d) => void d.dismiss());
  await paste({ ...SMALL, algo: 'perception-r1' });
  await expect.poll(() => decodeShare(new URL(page.url()).hash).config.algo).toBe('grpo');
  await expect(page.getByTestId('field-algo')).toHaveValue('grpo');
  page.once('dialog', (d) => void d.accept());
  await paste({ ...SMALL, algo: 'perception-r1', seed: 7 });
  await expect(page.getByTestId('field-algo')).toHaveValue('perception-r1');
  await expect(page.getByTestId('field-seed')).toHaveValue('7');
});

test('a malformed URL and a future-version URL say what is wrong, and the app still works', async ({ page }) => {
  await page.goto('./#v=2&c=%%%garbage');
  await expect(page.getByTestId('url-error')).toContainText('not readable');
  await page.goto('./#v=9&c=e30');
  await page.reload();
  await expect(page.getByTestId('url-error')).toContainText('newer version');
  await expect(page.getByTestId('field-N')).toHaveValue(String(DEFAULT_RL.N));
  await enter(page, 'field-k', '12');
  await expect(page.getByTestId('error-k')).toContainText('at most N');
  await expect(page.getByTestId('start')).toBeDisabled();
  await enter(page, 'field-k', '2');
  await expect(page.getByTestId('start')).toBeEnabled();
});

test('bad input never blanks the page: broken run files, a garbage link, partial knobs, cleared and contradictory fields', async ({
  page,
}) => {
  await page.goto('./#hello-world');
  await expect(page.getByTestId('url-error')).toContainText('"#hello-world" was not understood');
  await page.getByTestId('dismiss-url-error').click();
  await expect(page.getByTestId('url-error')).toHaveCount(0);

  for (const [text, why] of [
    ['null', 'not a JSON object'],
    ['{"records":[{"step":0}]}', 'not a run file of the MIRL Playground'],
    [
      '{"kind":"mirl-playground-run","version":4,"config":{},"metrics":[{"step":0}],"records":[]}',
      'metrics[0].answer_acc',
    ],
    ['{"kind":"mirl-playground-run","version":4,"config":{},"metrics":[],"records":[{"step":0}]}', 'records[0].index'],
  ]) {
    await page
      .getByTestId('import')
      .setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await expect(page.getByTestId('notice').last()).toContainText(`import failed: `);
    await expect(page.getByTestId('notice').last()).toContainText(why);
  }
  await expect(page.getByTestId('config')).toBeVisible();
  await expect(page.locator('[data-testid^=export-]')).toHaveCount(0);

  // a link with one knob changes that knob only
  await page.goto(`./#v=4&c=${Buffer.from('{"knobs":{"noise":0.1}}').toString('base64url')}`);
  await page.reload();
  await expect(page.getByTestId('url-error')).toHaveCount(0);
  await expect(page.getByTestId('knob-noise')).toHaveValue('0.1');
  await expect(page.getByTestId('knob-maxObjects')).toHaveValue(String(DEFAULT_RL.knobs.maxObjects));

  // a cleared field is an error, not a silent 0; lr = 0 is refused; min > max names both
  await enter(page, 'field-seed', '');
  await expect(page.getByTestId('error-seed')).toContainText('must be an integer');
  await expect(page.getByTestId('start')).toBeDisabled();
  await enter(page, 'field-seed', '3');
  await enter(page, 'field-lr', '0');
  await expect(page.getByTestId('error-lr')).toContainText('above 0');
  await enter(page, 'field-lr', '0.0001');
  // the difficulty knobs are folded under "advanced"; an error there opens the fold by itself
  await expect(page.getByTestId('knob-minObjects')).toBeHidden();
  await page.getByTestId('advanced').locator('summary').click();
  await page.getByTestId('knob-minObjects').fill('6');
  await page.getByTestId('knob-minObjects').blur();
  await expect(page.getByTestId('error-knobs')).toContainText('min objects (6) must be at most max objects (5)');
  await page.getByTestId('knob-minObjects').fill('2');
  await page.getByTestId('knob-minObjects').blur();
  await expect(page.getByTestId('start')).toBeEnabled();
  // labels read as words
  await expect(page.getByLabel('backend')).toHaveValue(/webgpu|cpu/);
  await expect(page.getByLabel('x axis')).toHaveValue('step');
});

test(
  'curves as in TensorBoard: held-out from step 0, smoothing, show/hide from the legend, CSVs; runs named, renamed, linked, stopped, deleted, and back after a reload',
  { tag: '@wasm' },
  async ({ page, baseURL }) => {
    const cfg = { ...SMALL, heldoutEvery: 1, heldoutCount: 4, steps: 2, metricEvery: 1 };
    await page.goto('./' + encodeShare(cfg, true));
    await expect(page.getByTestId('status')).toHaveText('done', { timeout: 150_000 });
    // the warm start is the first point of the held-out curves: 3 points after 2 steps
    const heldout = page.getByTestId('chart-answer accuracy (held-out, mean over samples)');
    const [heldCsv] = await Promise.all([page.waitForEvent('download'), heldout.getByTestId('chart-csv').click()]);
    expect(
      readFileSync((await heldCsv.path())!, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[1]),
    ).toEqual(['0', '1', '2']);
    await expect(heldout.locator('.recharts-line path')).not.toHaveCount(0);
    // a mean over samples: its band of ± 1 SE over problems, greedy dashed beside it, and what the figures are
    await expect(heldout.locator('.recharts-area-area')).toHaveCount(1);
    await expect(heldout.locator('.recharts-line path[stroke-dasharray="4 3"]')).toHaveCount(1);
    await expect(heldout.getByTestId('chart-note')).toHaveText(
      '4 problems x 4 samples at temperature 1, every 1 steps; band ± 1 SE over problems; dashed: greedy',
    );
    await expect(
      page.getByTestId('chart-ground-truth description NLL (held-out)').locator('.recharts-line path'),
    ).not.toHaveCount(0);
    // KL at beta 0 and the zero-std fraction have their own charts
    await expect(page.getByTestId('chart-KL to warm start').locator('.recharts-line path')).toHaveCount(2); // smoothed, raw behind
    await expect(page.getByTestId('chart-zero-std groups')).toBeVisible();

    // a second run with the same config is told apart; names say algorithm, sizes, seed and backend
    await enter(page, 'field-steps', '1');
    await enter(page, 'field-steps', '2');
    await page.getByTestId('start').click();
    await expect(page.getByTestId('run-status').nth(1)).toHaveText('done', { timeout: 150_000 });
    const labels = page.getByTestId('run-label');
    await expect(labels.first()).toHaveValue('mirl N4 k2 P1 seed 5 wasm');
    await expect(labels.nth(1)).toHaveValue('mirl N4 k2 P1 seed 5 wasm #2');

    // smoothing draws a faint raw line behind each smoothed one; 0 draws only the raw
    const rollout = page.getByTestId('chart-answer accuracy (rollouts)');
    await expect(rollout.locator('.recharts-line path')).toHaveCount(4);
    await page.getByTestId('smoothing').fill('0');
    await expect(rollout.locator('.recharts-line path')).toHaveCount(2);
    // the legend in run order hides and shows a run
    await expect(page.getByTestId('legend-item')).toHaveText([
      'mirl N4 k2 P1 seed 5 wasm',
      'mirl N4 k2 P1 seed 5 wasm #2',
    ]);
    await page.getByTestId('legend-item').first().click();
    await expect(rollout.locator('.recharts-line path')).toHaveCount(1);
    await page.getByTestId('legend-item').first().click();
    await expect(rollout.locator('.recharts-line path')).toHaveCount(2);

    // tooltips name the x value and give 3 significant digits, above the plot; axis titles; a brush; a log axis for MI
    const plot = rollout.locator('.recharts-cartesian-grid');
    await rollout.scrollIntoViewIfNeeded();
    const box = (await plot.boundingBox())!;
    const tip = rollout.locator('.recharts-tooltip-wrapper');
    // with smoothing on, the tooltip names each run once, never a data key (raw1, sm1)
    await page.getByTestId('smoothing').fill('0.6');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect(tip).toContainText('mirl N4 k2 P1 seed 5 wasm:');
    expect(await tip.textContent()).not.toMatch(/\b(raw|sm|lo|hi|bs)\d/);
    await page.getByTestId('smoothing').fill('0');
    await page.mouse.move(box.x + 2, box.y + 2);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect(tip).toContainText(/step \d+/);
    await expect(tip).toContainText(/mirl N4 k2 P1 seed 5 wasm: \d+(\.\d{1,2})?%/);
    const tipBox = (await tip.boundingBox())!;
    expect(tipBox.y + tipBox.height).toBeLessThanOrEqual(box.y + 4); // in the margin above the plot
    const card = (await rollout.boundingBox())!;
    expect(tipBox.x).toBeGreaterThanOrEqual(card.x - 1);
    expect(tipBox.x + tipBox.width).toBeLessThanOrEqual(card.x + card.width + 1);
    await expect(rollout.locator('.recharts-label').filter({ hasText: /^step$/ })).toHaveCount(1);
    // every chart's axis titles fit along its plot's height, whole (the y title is the long one)
    let titles = 0;
    for (const chart of await page.locator('[data-testid^="chart-"].chart').all()) {
      const grid = await chart.locator('.recharts-cartesian-grid').first().boundingBox();
      if (!grid) continue;
      for (const label of await chart.locator('.recharts-label').all()) {
        const length = await label.evaluate((e) => (e as SVGTextElement).getComputedTextLength());
        expect(length, `${await chart.getAttribute('data-testid')}: ${await label.textContent()}`).toBeLessThanOrEqual(
          grid.height,
        );
        titles++;
      }
    }
    expect(titles).toBeGreaterThan(20);
    await expect(rollout.locator('.recharts-label').filter({ hasText: '%' })).toHaveCount(1);
    // the brush zooms: moving its left handle to the right narrows the x axis
    // (the held-out chart: three points, steps 0-2)
    const xTicks = () => heldout.locator('.recharts-xAxis-tick-labels text').allTextContents();
    const wide = await xTicks();
    // the brush's handles are sliders: the left one moved right by a data point
    await heldout.locator('.recharts-brush [role=slider]').first().focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(xTicks).not.toEqual(wide);
    expect(Number((await xTicks())[0])).toBeGreaterThanOrEqual(1);
    // a log axis where a metric spans orders of magnitude: the summed MI is positive here, so it can be log
    const mi = page.getByTestId('chart-mean MI score');
    const before = await mi.locator('.recharts-yAxis-tick-labels text').allTextContents();
    expect(before.length).toBeGreaterThan(1);
    await expect(mi.getByTestId('log-scale')).toBeEnabled();
    await mi.getByTestId('log-scale').check();
    await expect.poll(() => mi.locator('.recharts-yAxis-tick-labels text').allTextContents()).not.toEqual(before);
    await mi.getByTestId('log-scale').uncheck();

    // a chart's CSV, and a run's metrics as CSV, named after the run
    const [chartCsv] = await Promise.all([page.waitForEvent('download'), rollout.getByTestId('chart-csv').click()]);
    const chartText = readFileSync((await chartCsv.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(chartText[0]).toBe('run,step,answer accuracy (rollouts)');
    expect(chartText).toHaveLength(1 + 4);
    await labels.first().fill('baseline');
    await labels.first().press('Enter');
    const [runCsv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-1').click()]);
    expect(runCsv.suggestedFilename()).toBe('baseline.csv');
    expect(readFileSync((await runCsv.path())!, 'utf8').split('\n')[0]).toContain('heldout_start.sampled.answer_acc');
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-1').click()]);
    expect(json.suggestedFilename()).toBe('baseline.json');

    // each run's own link; the address bar follows the config
    await page.getByTestId('link-1').click();
    const link = await page.getByTestId('share-url').inputValue();
    expect(link.startsWith(baseURL!)).toBe(true);
    expect(decodeShare(new URL(link).hash).config).toEqual(cfg);
    expect(decodeShare(new URL(page.url()).hash).config.steps).toBe(2);

    // a reload brings the runs back, and says why they cannot resume
    await page.reload();
    await expect(page.getByTestId('run-row')).toHaveCount(2);
    await expect(page.getByTestId('run-label').first()).toHaveValue('baseline');
    await expect(heldout.locator('.recharts-line path')).not.toHaveCount(0);

    // delete asks first
    page.once('dialog', (d) => void d.dismiss());
    await page.getByTestId('delete-2').click();
    await expect(page.getByTestId('run-row')).toHaveCount(2);
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('delete-2').click();
    await expect(page.getByTestId('run-row')).toHaveCount(1);
  },
);

test('Stop ends the live run and keeps it; a reload mid-run restores it and says why it cannot resume', async ({
  page,
}) => {
  await page.goto('./' + encodeShare({ ...SMALL, steps: 50 }, true));
  await waitSteps(page, 1);
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('run-status').first()).toHaveText('stopped');
  await expect(page.getByTestId('legend-item')).toHaveCount(1);
  await page.getByTestId('start').click();
  await waitSteps(page, 1);
  await page.waitForTimeout(1200); // the step is written to IndexedDB just after it shows
  await page.reload();
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await expect(page.getByTestId('run-status').nth(1)).toHaveText('restored');
  const restored = page.getByTestId('run-row').nth(1).getByTestId('resume-note');
  await expect(restored).toContainText('no trainer state was kept for it, so it cannot resume');
  // the run stopped by hand says nothing, or that Resume goes back to its last kept state
  const stopped = page.getByTestId('run-row').first().getByTestId('resume-note');
  if (await stopped.count())
    await expect(stopped).toContainText(/^stopped at step \d+; .* Resume continues from there/);
});

test('runs an older page saved in localStorage move to IndexedDB, checked like imported files: a damaged one is named and kept aside', async ({
  page,
}) => {
  const m = JSON.parse(readFileSync('data/experiment-sampled/grpo-G6-seed1.json', 'utf8'));
  const good = {
    id: 1,
    uid: 'u1',
    label: 'kept run',
    backend: 'wasm',
    config: m.config,
    metrics: m.steps.slice(0, 3),
    records: [],
    status: 'done',
    step: 3,
    error: null,
  };
  const damaged = { ...good, id: 2, uid: 'u2', label: 'damaged run', metrics: [{ step: 0, answer_acc: 'x' }] };
  // saved before the page starts (a reload would first save this page's own, empty, list over them)
  await page.addInitScript(
    (runs) => {
      if (!sessionStorage.getItem('seeded')) localStorage.setItem('mirl-playground-runs', JSON.stringify(runs));
      sessionStorage.setItem('seeded', '1');
    },
    [good, damaged],
  );
  await page.goto('./');
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await expect(page.getByTestId('run-label')).toHaveValue('kept run');
  await expect(page.getByTestId('notice')).toHaveCount(1);
  await expect(page.getByTestId('notice').first()).toContainText(
    'saved run "damaged run" was not restored: metrics[0].answer_acc',
  );
  await expect(page.getByTestId('notice')).toContainText('it is kept aside under localStorage');
  // nothing lost: the damaged entry is kept, as it was
  const aside = await page.evaluate(() => JSON.parse(localStorage.getItem('mirl-playground-runs-unreadable') ?? '[]'));
  expect(aside).toEqual([damaged]);
  // and the restored run is whole: its curves draw
  await expect(page.getByTestId('legend-item')).toHaveCount(1);
  // it now lives in IndexedDB: the old list is gone, and a reload brings the run back from there
  await expect.poll(() => page.evaluate(() => localStorage.getItem('mirl-playground-runs'))).toBeNull();
  await page.reload();
  await expect(page.getByTestId('run-label')).toHaveValue('kept run');
  await expect(page.getByTestId('notice')).toHaveCount(0);
});

test('the committed experiment, imported: held-out curves over samples with their bands, greedy beside, one note of what they average', async ({
  page,
}) => {
  await page.goto('./');
  // seed 1 of three arms, each experiment JSON written as the run file the page exports
  const arms = ['grpo-G16', 'mirl-N10k6miScorerwarmstart', 'perception-r1-G6'];
  for (const arm of arms) {
    const e = JSON.parse(readFileSync(`data/experiment-sampled/${arm}-seed1.json`, 'utf8'));
    const file = {
      kind: 'mirl-playground-run',
      version: 5,
      label: `${arm} seed 1`,
      config: e.config,
      metrics: e.steps,
      records: [],
    };
    await page
      .getByTestId('import')
      .setInputFiles({ name: `${arm}.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  }
  await expect(page.getByTestId('legend-item')).toHaveCount(3);
  const f1 = page.getByTestId('chart-description F1 (held-out, mean over samples)');
  await expect(f1.getByTestId('chart-note')).toHaveText(
    '256 problems x 4 samples at temperature 1, every 20 steps; band ± 1 SE over problems; dashed: greedy',
  );
  await expect(f1.locator('.recharts-area-area')).toHaveCount(3);
  await expect(f1.locator('.recharts-line path[stroke-dasharray="4 3"]')).toHaveCount(3);
  // steps 0, 20, 40, 60 in the chart's CSV, with their standard errors
  const [csv] = await Promise.all([page.waitForEvent('download'), f1.getByTestId('chart-csv').click()]);
  const lines = readFileSync((await csv.path())!, 'utf8')
    .trim()
    .split('\n');
  expect(lines[0]).toBe('run,step,"description F1 (held-out, mean over samples)",se,beside');
  expect(
    lines
      .slice(1)
      .filter((l) => l.startsWith('grpo-G16'))
      .map((l) => l.split(',')[1]),
  ).toEqual(['0', '20', '40', '60']);
  expect(lines.slice(1).every((l) => Number(l.split(',')[3]) > 0)).toBe(true);
  // the held-out axes fit their data: a few points of difference show
  expect(Number((await f1.locator('.recharts-yAxis-tick-labels text').first().textContent()) ?? '0')).toBeGreaterThan(
    0.3,
  );
  await page.setViewportSize({ width: 1300, height: 1000 });
  await page.evaluate(() => window.scrollTo(0, 0)); // boxes in page coordinates
  const top = (await page.getByTestId('charts').boundingBox())!;
  const nll = (await page.getByTestId('chart-ground-truth description NLL (held-out)').boundingBox())!;
  await page.screenshot({
    path: `${shots()}/heldout-curves.png`,
    clip: { x: top.x, y: top.y, width: top.width, height: nll.y + nll.height - top.y + 8 },
    fullPage: true,
  });
});

test('an imported run with small negative losses: the loss axis keeps its minus signs', async ({ page }) => {
  await page.goto('./');
  const m = (step: number, loss: number) => ({
    step,
    answer_acc: 0.5,
    perception_acc: 0.2,
    mean_mi: 1,
    mi_auc: null,
    reward_blind_frac: 0.1,
    lucky_guesses: 0,
    generated_tokens: 100,
    forward_tokens: 300,
    complete_trajectories: 4,
    step_ms: 1000,
    phase_ms: { sample: 1, score: 1, fork: 1, update: 1 },
    loss,
    kl: 0,
    entropy: 1,
    grad_norm: 0.1,
  });
  const file = {
    kind: 'mirl-playground-run',
    version: 4,
    label: 'negative losses',
    config: {},
    metrics: [m(0, -0.0008), m(1, -0.0002), m(2, -0.0012)],
    records: [],
  };
  await page
    .getByTestId('import')
    .setInputFiles({ name: 'run.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  await expect(page.getByTestId('chart-loss').locator('.recharts-yAxis-tick-labels text').first()).toBeVisible();
  const ticks = await page.getByTestId('chart-loss').locator('.recharts-yAxis-tick-labels text').allTextContents();
  expect(ticks.length).toBeGreaterThan(1);
  for (const t of ticks.filter((x) => x !== '0')) expect(t).toMatch(/^-/);
  // and the labels are whole: none starts left of the chart's own box, where it would be cut
  const card = (await page.getByTestId('chart-loss').locator('.recharts-surface').boundingBox())!;
  for (const b of await page.getByTestId('chart-loss').locator('.recharts-yAxis-tick-labels text').all())
    expect((await b.boundingBox())!.x).toBeGreaterThanOrEqual(card.x);
});

test('a model that cannot be fetched: one clear message on the run, no download bar left behind, the page still usable', async ({
  page,
  context,
}) => {
  // the checkpoint's own fetch only: under the dev server the app also imports `model.safetensors?import&url` as a module
  await context.route(/model[^/?]*\.safetensors$/, (route) => route.fulfill({ status: 404, body: 'not here' }));
  await page.goto('./' + encodeShare(SMALL, true));
  await expect(page.getByTestId('run-error')).toContainText('HTTP 404', { timeout: 60_000 });
  await expect(page.getByTestId('status')).toHaveText('error');
  await expect(page.getByTestId('load-progress')).toHaveCount(0);
  await expect(page.getByTestId('notice')).toHaveCount(0); // said once, on the run
  await expect(page.getByTestId('start')).toBeEnabled();
});

test('without WebGPU the page explains and trains on the WebAssembly SIMD backend', async ({ baseURL }) => {
  await withoutWebGpu(baseURL, async (page) => {
    await expect(page.getByTestId('backend')).toHaveValue('wasm'); // selected by itself
    // at the defaults, the size at which learning shows: wasm runs them, so nothing shrinks them
    await expect(page.getByTestId('wasm-note')).toContainText('(selected)');
    await expect(page.getByTestId('field-batchPrompts')).toHaveValue('16');
    await expect(page.getByTestId('size-note')).toHaveCount(0);
    await page.getByTestId('step').click();
    await expect.poll(() => stepCount(page), { timeout: 150_000 }).toBe(1);
    await expect(page.getByTestId('fork-tree').first()).toBeVisible();
    await expect(page.getByTestId('run-label').first()).toHaveValue(/ wasm$/);
    // and it trains: a second step, with a finite loss in the exported run
    await page.getByTestId('step').click();
    await expect.poll(() => stepCount(page), { timeout: 150_000 }).toBe(2);
    const run = JSON.parse(readFileSync(await exportRunFile(page), 'utf8'));
    expect(run.metrics.map((m: { loss: number }) => Number.isFinite(m.loss))).toEqual([true, true]);
  });
});

/**
 * A committed run's recorded prompts (each seed's last step, seeds 1-3), each trajectory with the mean advantage of its
 * n description tokens: recomputed here from the files, apart from the page's code.
 */
function recordedPrompts(file: string) {
  type Recorded = {
    description: string[];
    tokAdv: number[];
    perceptionRight: boolean;
    descF1: number;
    answerRight: boolean | null;
  };
  return [1, 2, 3].flatMap((seed) =>
    (
      JSON.parse(readFileSync(`data/${file}-seed${seed}.json`, 'utf8')).last_records as { trajectories: Recorded[] }[]
    ).map((p) =>
      p.trajectories.map((t) => {
        const n = Math.min(t.description.length, t.tokAdv.length);
        return { ...t, n, adv: n ? t.tokAdv.slice(0, n).reduce((a, x) => a + x, 0) / n : 0 };
      }),
    ),
  );
}

test(
  'the teaching comparison, measured: eleven arms x three seeds loaded, the lesson first (a headline, the clearest lucky guess, a forest plot), a verdict paired by seed, start values, the rates of the lesson, examples that point at their rows',
  { tag: '@dev' },
  async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto('./');
    await page.getByTestId('tab-teaching').click();
    const panel = page.getByTestId('teaching-view');
    await expect(panel.getByTestId('verdict-empty')).toBeVisible();

    // the write-up is a link that opens, on the dev server and on the built site under its sub-path
    const [doc] = await Promise.all([page.context().waitForEvent('page'), panel.getByTestId('doc-link').click()]);
    const docRes = await page.request.get(doc.url());
    expect(docRes.status()).toBe(200);
    expect(await docRes.text()).toBe(readFileSync('docs/research.md', 'utf8'));
    await expect(doc.locator('body')).toContainText('# The evidence: reward checks, loop checks and experiments');
    await doc.close();

    await panel.getByTestId('load-measured').click();
    await expect(panel.getByTestId('load-note')).toContainText('33 runs of the committed experiments');
    await expect(panel.getByTestId('load-note')).not.toContainText('Left out');

    // the verdict, recomputed here from the committed files: held-out F1 changes per seed, their mean and SE over
    // seeds, and each arm against its reference paired by seed
    const changes = (file: string, key = 'desc_f1') =>
      [1, 2, 3].map((seed) => {
        const h = JSON.parse(readFileSync(`data/${file}-seed${seed}.json`, 'utf8')).heldout;
        return h[h.length - 1].sampled[key] - h[0].sampled[key];
      });
    const meanSe = (ds: number[]) => {
      const mean = ds.reduce((a, b) => a + b, 0) / ds.length;
      const se = Math.sqrt(ds.reduce((a, d) => a + (d - mean) ** 2, 0) / (ds.length - 1) / ds.length);
      return { mean, se };
    };
    const paired = (a: string, b: string, key = 'desc_f1') => {
      const cb = changes(b, key);
      return meanSe(changes(a, key).map((x, i) => x - cb[i]));
    };
    const fmt = (m: number, se: number) => `${m >= 0 ? '+' : '−'}${Math.abs(m).toFixed(3)} ± ${se.toFixed(3)}`;
    const g = meanSe(changes('experiment-wasm/grpo-G16'));
    const m = meanSe(changes('experiment-wasm/mirl-N10k6miScorerwarmstart'));
    await expect(panel.getByTestId('change-grpo-desc_f1')).toHaveText(fmt(g.mean, g.se));
    await expect(panel.getByTestId('change-mirl-desc_f1')).toHaveText(fmt(m.mean, m.se));
    const g1g = meanSe(changes('experiment-grounding/grpo-G16'));
    await expect(panel.getByTestId('change-grpo-v1g-desc_f1')).toHaveText(fmt(g1g.mean, g1g.se));
    for (const [id, file, ref, refFile, refName] of [
      ['mirl', 'experiment-wasm/mirl-N10k6miScorerwarmstart', 'grpo', 'experiment-wasm/grpo-G16', 'GRPO'],
      ['perception-r1', 'experiment-wasm/perception-r1-G6', 'grpo', 'experiment-wasm/grpo-G16', 'GRPO'],
      ['vision-sr1', 'experiment-wasm/vision-sr1-G6', 'grpo', 'experiment-wasm/grpo-G16', 'GRPO'],
      ['racro', 'experiment-wasm/racro-G6', 'grpo', 'experiment-wasm/grpo-G16', 'GRPO'],
      ['pearl', 'experiment-wasm/pearl-G5', 'grpo', 'experiment-wasm/grpo-G16', 'GRPO'],
      ['vppo', 'experiment-wasm/vppo-G8', 'grpo', 'experiment-wasm/grpo-G16', 'GRPO'],
      ['vicrit', 'experiment-wasm/grpo-G16-vicrit', 'grpo', 'experiment-wasm/grpo-G16', 'GRPO'],
      [
        'visual-rft',
        'experiment-grounding/grpo-G16-grounding',
        'grpo-v1g',
        'experiment-grounding/grpo-G16',
        'GRPO from the grounding warm start',
      ],
      [
        'mirg-rl',
        'experiment-grounding/grpo-G16-multi_grounding',
        'grpo-v1g',
        'experiment-grounding/grpo-G16',
        'GRPO from the grounding warm start',
      ],
    ] as const) {
      const d = paired(file, refFile);
      const line = panel.getByTestId(`verdict-${id}-vs-${ref}`);
      await expect(line).toContainText(`${fmt(d.mean, d.se)} F1`);
      await expect(line).toContainText('paired over 3 seeds');
      // called only beyond 2 SE, and said plainly when not ahead
      await expect(line).toContainText(
        Math.abs(d.mean) > 2 * d.se
          ? `${d.mean > 0 ? 'ahead of' : 'behind'} ${refName}:`
          : `is not ahead of ${refName} here`,
      );
      await expect(panel.getByTestId(`vs-ref-${id}`)).toContainText(fmt(d.mean, d.se));
      // another figure is named exactly when it moved beyond 2 SE against the reference
      for (const [key, name] of [
        ['desc_exact', 'exact descriptions'],
        ['answer_acc', 'answer accuracy'],
      ] as const) {
        const o = paired(file, refFile, key);
        if (Math.abs(o.mean) > 2 * o.se) await expect(line).toContainText(`${name} ${fmt(o.mean, o.se)}`);
        else await expect(line).not.toContainText(name);
      }
    }
    const b = paired('experiment-wasm/mirl-N10k6miScorerwarmstart', 'experiment-wasm/perception-r1-G6');
    await expect(panel.getByTestId('verdict-mirl-vs-bound')).toContainText(fmt(b.mean, b.se));

    // the headline: the core arms against GRPO in one sentence, called only beyond 2 SE
    const headline = panel.getByTestId('lesson-headline');
    const called = (d: { mean: number; se: number }) => Math.abs(d.mean) > 2 * d.se;
    const said = (name: string, d: { mean: number; se: number }) =>
      called(d)
        ? `${name} ${d.mean > 0 ? 'lifts' : 'lowers'} held-out description F1 ${d.mean > 0 ? 'above' : 'below'} GRPO's by ${fmt(d.mean, d.se)}`
        : `${name} does not separate from GRPO (${fmt(d.mean, d.se)}, within 2 SE)`;
    const dm = paired('experiment-wasm/mirl-N10k6miScorerwarmstart', 'experiment-wasm/grpo-G16');
    const dp = paired('experiment-wasm/perception-r1-G6', 'experiment-wasm/grpo-G16');
    // the second core arm shares the first one's verb where both moved the same way
    const second =
      called(dm) && called(dp) && Math.sign(dm.mean) === Math.sign(dp.mean)
        ? `Perception-R1 by ${fmt(dp.mean, dp.se)}`
        : said('Perception-R1', dp);
    expect(await headline.textContent()).toMatch(
      new RegExp(
        `^${escapeRe(`${said('MIRL', dm)}, and ${second} (paired by seed over 3 seeds); `)}(none )?of the 7 other arms`,
      ),
    );

    // the forest plot: the core arms first, each dot the paired difference, its whisker crossing the zero line
    // exactly when the difference is within 2 SE
    const forest = panel.getByTestId('forest-plot');
    const rowIds = await forest
      .locator('[data-testid^=forest-row-]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')!.replace('forest-row-', '')));
    const judged = comparisonArms().filter((a) => a.ref !== null);
    expect(rowIds).toEqual([...judged.filter((a) => a.core), ...judged.filter((a) => !a.core)].map((a) => a.id));
    const zeroX = Number(await forest.getByTestId('forest-zero').getAttribute('x1'));
    const files: Record<string, [string, string]> = {
      mirl: ['experiment-wasm/mirl-N10k6miScorerwarmstart', 'experiment-wasm/grpo-G16'],
      'perception-r1': ['experiment-wasm/perception-r1-G6', 'experiment-wasm/grpo-G16'],
      vppo: ['experiment-wasm/vppo-G8', 'experiment-wasm/grpo-G16'],
      'mirg-rl': ['experiment-grounding/grpo-G16-multi_grounding', 'experiment-grounding/grpo-G16'],
    };
    for (const [id, [file, ref]] of Object.entries(files)) {
      const d = paired(file, ref);
      const row = forest.getByTestId(`forest-row-${id}`);
      expect(Number(await row.getAttribute('data-mean'))).toBeCloseTo(d.mean, 9);
      expect(Number(await row.getAttribute('data-se'))).toBeCloseTo(d.se, 9);
      const w = row.getByTestId('forest-whisker');
      const [x1, x2] = [Number(await w.getAttribute('x1')), Number(await w.getAttribute('x2'))];
      expect(x1 < zeroX && zeroX < x2, id).toBe(Math.abs(d.mean) <= 2 * d.se);
      await expect(row).toContainText(fmt(d.mean, d.se));
    }

    // the start values beside the changes: the warm start's held-out figures, the mean over the arm's seeds
    const start = (file: string, key: string) =>
      [1, 2, 3]
        .map((seed) => JSON.parse(readFileSync(`data/${file}-seed${seed}.json`, 'utf8')).heldout[0].sampled[key])
        .reduce((a, x) => a + x, 0) / 3;
    for (const key of ['desc_f1', 'desc_exact', 'answer_acc']) {
      await expect(panel.getByTestId(`start-grpo-${key}`)).toHaveText(
        `${start('experiment-wasm/grpo-G16', key).toFixed(3)} → `,
      );
      await expect(panel.getByTestId(`start-visual-rft-${key}`)).toHaveText(
        `${start('experiment-grounding/grpo-G16-grounding', key).toFixed(3)} → `,
      );
    }

    // the lesson's rates: the committed runs carry no per-step counts, so their recorded rollouts (each seed's last
    // step) are counted, and each rate gives its count. Recomputed here from the files: pairs of a right and a wrong
    // description in a group (ties half), lucky guesses pushed up, near-misses (F1 >= 0.5) apart.
    const lessonCounts = (file: string) => {
      const far = { pairs: 0, wins: 0, lucky: 0, up: 0 };
      const near = { ...far };
      const prompts = recordedPrompts(file);
      for (const ts of prompts)
        for (const o of ts.filter((t) => !t.perceptionRight)) {
          const c = o.descF1 >= 0.5 ? near : far;
          if (o.answerRight === true) {
            c.lucky++;
            c.up += +(o.adv > 0);
          }
          for (const r of ts.filter((t) => t.perceptionRight)) {
            c.pairs++;
            c.wins += r.adv > o.adv ? 1 : r.adv === o.adv ? 0.5 : 0;
          }
        }
      return { far, near, prompts: prompts.length };
    };
    const rate = (w: number, n: number, what: string) =>
      n ? `${Math.round((100 * w) / n)}% (of ${n} ${n === 1 ? what.replace(/e?s$/, '') : what})` : `– (no ${what})`;
    for (const [id, file] of [
      ['grpo', 'experiment-wasm/grpo-G16'],
      ['mirl', 'experiment-wasm/mirl-N10k6miScorerwarmstart'],
      ['perception-r1', 'experiment-wasm/perception-r1-G6'],
    ] as const) {
      const c = lessonCounts(file);
      await expect(panel.getByTestId(`right-over-wrong-${id}`)).toHaveText(rate(c.far.wins, c.far.pairs, 'pairs'));
      await expect(panel.getByTestId(`lucky-up-${id}`)).toHaveText(rate(c.far.up, c.far.lucky, 'lucky guesses'));
      await expect(panel.getByTestId(`near-${id}`)).toHaveText(
        `${rate(c.near.wins, c.near.pairs, 'pairs')}; ${rate(c.near.up, c.near.lucky, 'lucky guesses')}`,
      );
      await expect(panel.getByTestId(`counted-${id}`)).toHaveText(`${c.prompts} recorded prompts`);
    }
    for (const id of comparisonArms().map((a) => a.id)) {
      await expect(panel.getByTestId(`right-over-wrong-${id}`)).toHaveText(/^(\d+% \(of \d+ pairs?\)|– \(no pairs\))$/);
      await expect(panel.getByTestId(`lucky-up-${id}`)).toHaveText(
        /^(\d+% \(of \d+ lucky guess(es)?\)|– \(no lucky guesses\))$/,
      );
    }

    // the clearest lucky guess, above the fold: of GRPO's recorded lucky guesses pushed up, a description far from
    // the scene before a near-miss, then the largest push; "show its rollouts" points at its row
    let best: { adv: number; near: boolean; no: number; desc: string } | null = null;
    for (const ts of recordedPrompts('experiment-wasm/grpo-G16'))
      ts.forEach((t, i) => {
        const near = t.descF1 >= 0.5;
        if (t.answerRight !== true || t.perceptionRight || !t.n || t.adv <= 0) return;
        if (!best || (best.near && !near) || (best.near === near && t.adv > best.adv))
          best = { adv: t.adv, near, no: i + 1, desc: t.description.join(' ') };
      });
    expect(best).not.toBeNull();
    const clearest = best! as { adv: number; near: boolean; no: number; desc: string };
    const luckyTop = panel.getByTestId('lucky-top');
    await expect(luckyTop).toContainText(`#${clearest.no}): the description "${clearest.desc}" is wrong`);
    await expect(luckyTop).toContainText(`advantage +${clearest.adv.toFixed(2)}`);
    await page.evaluate(() => window.scrollTo(0, 0));
    const luckyBox = (await luckyTop.boundingBox())!;
    expect(luckyBox.y + luckyBox.height).toBeLessThanOrEqual(900);
    expect((await headline.boundingBox())!.y).toBeLessThan(luckyBox.y);
    await luckyTop.getByTestId('show-lucky-top').click();
    const pointedTop = panel.getByTestId('panel-grpo').locator('[data-pointed]');
    await expect(pointedTop).toHaveCount(1);
    await expect(pointedTop.getByTestId('branch-no')).toHaveText(`#${clearest.no}`);
    await expect(panel.getByTestId('side-by-side')).toBeInViewport();

    // examples from the runs' records; "show" points at the rows it names, on the same problem under each arm. The
    // committed runs hold one of each kind (a lucky guess pushed up, equal descriptions apart, a gated one): all three
    const listed = await panel
      .getByTestId('examples')
      .locator('li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-testid')));
    expect(listed.sort()).toEqual(['example-equal', 'example-gated', 'example-lucky']);
    for (const id of ['lucky', 'equal', 'gated']) {
      const e = panel.getByTestId(`example-${id}`);
      await e.getByRole('button', { name: 'show' }).click();
      const named = [...((await e.textContent()) ?? '').matchAll(/#(\d+)/g)].map((x) => `#${x[1]}`);
      const arm = id === 'gated' ? 'mirl' : 'grpo';
      const pointed = panel.getByTestId(`panel-${arm}`).locator('[data-pointed]');
      await expect(pointed).toHaveCount(named.length);
      expect((await pointed.getByTestId('branch-no').allTextContents()).sort()).toEqual(named.sort());
      const qs = await panel.getByTestId('side-by-side').getByTestId('question').allTextContents();
      expect(new Set(qs).size).toBe(1);
    }
    // the GRPO tree keeps its sampling order: GRPO never ranks by MI
    const nos = (await panel.getByTestId('panel-grpo').getByTestId('branch-no').allTextContents()).map((t) =>
      Number(t.slice(1)),
    );
    expect(nos).toEqual([...nos].sort((a, c) => a - c));

    // the held-out curves of the thirty-three runs, with bands and the note of what they average
    const f1 = panel.getByTestId('chart-description F1 (held-out, mean over samples)');
    await expect(f1.locator('.recharts-area-area')).toHaveCount(33);
    await expect(f1.getByTestId('chart-note')).toContainText('256 problems x 4 samples');
    expect(await lowContrast(panel)).toEqual([]);
    await page.setViewportSize({ width: 1300, height: 1000 });
    await page.evaluate(() => window.scrollTo(0, 0)); // boxes in page coordinates
    const top = (await panel.boundingBox())!;
    const lessonEnd = (await forest.boundingBox())!;
    await page.screenshot({
      path: `${shots()}/teaching-forest.png`,
      clip: { x: top.x, y: top.y, width: top.width, height: lessonEnd.y + lessonEnd.height - top.y + 8 },
      fullPage: true,
    });
    const end = (await panel.getByTestId('examples').boundingBox())!;
    await page.screenshot({
      path: `${shots()}/teaching-comparison.png`,
      clip: { x: top.x, y: top.y, width: top.width, height: end.y + end.height - top.y + 8 },
      fullPage: true,
    });
  },
);

test('the teaching comparison, run here: one button queues the three arms at the separating size, progress names each arm, Stop ends the queue', async ({
  page,
}) => {
  await page.goto('./');
  await page.getByTestId('tab-teaching').click();
  const panel = page.getByTestId('teaching-view');
  await panel.getByTestId('run-all').click();
  // the pressed button disables itself; focus goes to Stop, not to the page
  await expect(panel.getByTestId('run-all')).toBeDisabled();
  await expect(panel.getByTestId('comparison-stop')).toBeFocused();
  const progress = panel.getByTestId('comparison-progress');
  await expect(progress.getByTestId('progress-grpo')).toContainText(`step 0 / ${DEFAULT_RL.steps}`);
  await expect(progress.getByTestId('progress-mirl')).toContainText('queued');
  await expect(progress.getByTestId('progress-perception-r1')).toContainText('queued');
  // only the arms this comparison is about: the live one and the queued ones
  await expect(progress.getByTestId('progress-racro')).toHaveCount(0);
  await expect(progress.getByRole('status')).toContainText('GRPO');
  // the trainer says what the first step is doing: the warm start's held-out evaluation comes first
  await expect(progress.getByTestId('progress-grpo')).toContainText('held-out: scoring the warm start', {
    timeout: 120_000,
  });
  await page.getByTestId('tab-playground').click();
  await expect(page.getByTestId('run-label').first()).toHaveValue(`grpo G16 P${DEFAULT_RL.batchPrompts} seed 1 WebGPU`);
  await expect(page.getByTestId('phase')).toContainText('step 1: held-out: scoring the warm start');
  await page.getByTestId('tab-teaching').click();
  await panel.getByTestId('comparison-stop').click();
  // each arm's line stays, saying where it stopped (#42)
  await expect(progress.getByTestId('progress-grpo')).toContainText(/stopped at step \d+ of /);
  await expect(progress.getByTestId('progress-mirl')).toContainText('not run: the comparison was stopped before it');
  await expect(panel.getByTestId('run-all')).toBeEnabled();
  await page.getByTestId('tab-playground').click();
  await expect(page.getByTestId('run-row')).toHaveCount(1); // the queue went with the stop
  await expect(page.getByTestId('run-status')).toHaveText('stopped');
});

test('the first screen starts: basics, Start and the curves without scrolling at 1440 x 900; advanced folded and grouped; keyboard tabs and focus; a status line that does not jump', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('./' + encodeShare({ ...SMALL, algo: 'grpo' }, false));
  for (const id of ['field-algo', 'field-batchPrompts', 'field-steps', 'field-seed', 'start']) {
    const box = (await page.getByTestId(id).boundingBox())!;
    expect(box.y + box.height, id).toBeLessThanOrEqual(900);
  }
  expect((await page.getByTestId('charts').boundingBox())!.y).toBeLessThan(900);
  // the rest is folded, in named groups
  await expect(page.getByTestId('field-temperature')).toBeHidden();
  await page.getByTestId('advanced').locator('summary').click();
  for (const g of ['reward', 'optimiser', 'sampling', 'evaluation', 'start'])
    await expect(page.getByTestId(`group-${g}`)).toBeVisible();
  await expect(page.getByTestId('group-sampling').getByTestId('field-temperature')).toBeVisible();
  await page.getByTestId('advanced').locator('summary').click();

  // Start in a few Tab presses: the selected tab, then Start
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  let presses = 0;
  while (presses < 6 && !(await page.getByTestId('start').evaluate((e) => e === document.activeElement))) {
    await page.keyboard.press('Tab');
    presses++;
  }
  expect(presses).toBeLessThanOrEqual(4);
  // the tabs follow the ARIA pattern: arrows move and select, one tab in the Tab order
  await page.getByTestId('tab-playground').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-teaching')).toBeFocused();
  await expect(page.getByTestId('tab-teaching')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('tab-playground')).toHaveAttribute('tabindex', '-1');
  await page.keyboard.press('End');
  await expect(page.getByTestId('tab-outside')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(page.getByTestId('tab-playground')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel')).toHaveAttribute('aria-labelledby', 'tab-playground');

  // Start disables itself: focus moves to Pause; the status line says what the step is doing, and nothing moves
  const before = (await page.getByTestId('config').boundingBox())!;
  await page.getByTestId('start').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('pause')).toBeFocused({ timeout: 60_000 });
  await expect(page.getByTestId('phase')).toContainText(/step 1: (sampling and scoring rollouts|updating the policy)/, {
    timeout: 60_000,
  });
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  expect((await page.getByTestId('config').boundingBox())!).toEqual(before);
  // the run row's actions sit inside their column, on top: the config panel never covers them
  for (const b of await page.getByTestId('run-row').locator('.run-actions button').all()) {
    const onTop = await b.evaluate((e) => {
      const r = e.getBoundingClientRect();
      return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === e;
    });
    expect(onTop, (await b.textContent()) ?? undefined).toBe(true);
  }
  await waitSteps(page, 1);
  await page.getByTestId('pause').click();
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  await expect(page.getByTestId('start')).toBeFocused();

  // the rollouts of that GRPO step: one numbering (#1.. in tree and table), a colour legend, '–' where GRPO has no perception reward
  const rollouts = page.getByTestId('rollouts');
  await expect(rollouts.getByTestId('row-no')).toHaveText(Array.from({ length: SMALL.G }, (_, i) => `#${i + 1}`));
  await expect(rollouts.getByTestId('row-rperc').first()).toHaveText('–');
  await expect(rollouts.getByTestId('color-legend')).toContainText('pushed up');
  const treeNos = (await rollouts.getByTestId('branch-no').allTextContents()).sort();
  expect(treeNos).toEqual(Array.from({ length: SMALL.G }, (_, i) => `#${i + 1}`).sort());
  await page.screenshot({ path: `${shots()}/first-screen.png` });
});

// ---- resume: trainer state kept in IndexedDB ----

const R = { ...SMALL, steps: 4 };

async function downloadOf(page: Page, testId: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return readFileSync((await download.path())!, 'utf8');
}

/** A run file's numbers, timings aside: what two runs of one config must share exactly. */
function untimed(text: string) {
  const run = JSON.parse(text);
  return {
    metrics: run.metrics.map(({ step_ms: _a, phase_ms: _b, ...m }: Record<string, unknown>) => m),
    records: run.records,
  };
}

async function keepEvery(page: Page, n: number) {
  await page.getByTestId('kept-states').locator('summary').click();
  await page.getByTestId('keep-every').fill(String(n));
  await page.getByTestId('kept-states').locator('summary').click();
}

// On wasm, whose steps are many times faster here: the state is kept and rebuilt by the same code on either backend,
// and the WebGPU trainer's own state (read back from the GPU, uploaded again) is resumed in the next test.
const RW = { ...SMALL, steps: 16 };

test(
  'resume after a reload: the run goes on from its kept state, and every number equals the run that never stopped; kept states listed and deleted',
  { tag: '@wasm' },
  async ({ page }) => {
    // the run that never stops
    await page.goto('./' + encodeShare(RW, true));
    await expect(page.getByTestId('run-status').first()).toHaveText('done', { timeout: 150_000 });
    const whole = untimed(await downloadOf(page, 'export-1'));
    expect(whole.metrics).toHaveLength(RW.steps);

    // the same run, its state kept every step, the page reloaded mid-run
    await keepEvery(page, 1);
    await page.getByTestId('start').click();
    await expect(page.getByTestId('kept-2')).toContainText(/state kept at step [1-9]/, { timeout: 150_000 });
    await page.reload();
    const row = page.getByTestId('run-row').nth(1);
    await expect(row.getByTestId('run-status')).toHaveText('restored');
    await expect(row.getByTestId('resume-note')).toContainText(/trainer state was kept at step \d+: Resume continues/);
    const keptAt = Number((await page.getByTestId('kept-2').textContent())!.match(/\d+/)![0]);
    expect(keptAt).toBeLessThan(RW.steps);
    await page.getByTestId('resume-2').click();
    await expect(row.getByTestId('run-status')).toHaveText('done', { timeout: 150_000 });
    const resumed = untimed(await downloadOf(page, 'export-2'));
    // the steps before the kept state came from the first tab, the rest from the resumed trainer: all equal
    expect(resumed.metrics.map((m: { step: number }) => m.step)).toEqual(Array.from({ length: RW.steps }, (_, i) => i));
    expect(resumed).toEqual(whole);

    // what is kept: both runs at their last step, listed with their size; deleting one removes its Resume for good
    await page.getByTestId('kept-states').locator('summary').click();
    await expect(page.getByTestId('kept-row')).toHaveCount(2);
    await expect(page.getByTestId('kept-row').first()).toContainText(/\d+\.\d MB/);
    await page.getByTestId('kept-delete').first().click();
    await expect(page.getByTestId('kept-row')).toHaveCount(1);
    await expect(page.getByTestId('kept-1')).toHaveCount(0);
    await page.reload();
    await page.getByTestId('kept-states').locator('summary').click();
    await expect(page.getByTestId('kept-row')).toHaveCount(1);
  },
);

test('resume elsewhere: a run file carrying its state continues in a fresh browser profile; a damaged or foreign state is reported and the curves kept', async ({
  page,
  browser,
  baseURL,
}) => {
  await page.goto('./' + encodeShare(R, true));
  await waitSteps(page, 1);
  await page.getByTestId('pause').click();
  await expect(page.getByTestId('run-status')).toHaveText('paused', { timeout: 60_000 });
  await expect(page.getByTestId('kept-1')).toContainText('state kept at step');
  const file = await downloadOf(page, 'export-state-1');
  const keptAt = JSON.parse(file).snapshot.step as number;
  expect(keptAt).toBeGreaterThanOrEqual(1);
  // the same run, finished here without stopping
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-status')).toHaveText('done', { timeout: 150_000 });
  const here = untimed(await downloadOf(page, 'export-1'));

  // another profile (no IndexedDB in common): import, resume, finish
  const ctx = await browser.newContext({ baseURL });
  await ctx.addInitScript(chooseBackend, backendOf(test.info().tags)); // the backend the run ran on, for the same numbers
  const other = await ctx.newPage();
  await other.goto('./');
  const dir = test.info().outputDir;
  const { writeFileSync, mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  const write = (name: string, text: string) => {
    writeFileSync(`${dir}/${name}`, text);
    return `${dir}/${name}`;
  };
  await other.getByTestId('import').setInputFiles(write('with-state.json', file));
  await expect(other.getByTestId('kept-1')).toHaveText(`state kept at step ${keptAt}`);
  await other.getByTestId('resume-1').click();
  await expect(other.getByTestId('run-status')).toHaveText('done', { timeout: 150_000 });
  expect(untimed(await downloadOf(other, 'export-1'))).toEqual(here);

  // a damaged state (its header overwritten), and one of another config: the curves come in, the state does not
  const f = JSON.parse(file);
  await other
    .getByTestId('import')
    .setInputFiles(
      write(
        'damaged.json',
        JSON.stringify({ ...f, snapshot: { ...f.snapshot, data: 'AAAAAAAA' + f.snapshot.data.slice(8) } }),
      ),
    );
  await expect(other.getByTestId('run-row')).toHaveCount(2);
  await expect(other.getByTestId('run-note').last()).toContainText(
    'its curves were imported, its trainer state was not: the snapshot is unreadable',
  );
  await other
    .getByTestId('import')
    .setInputFiles(write('foreign.json', JSON.stringify({ ...f, config: { ...f.config, lr: f.config.lr * 2 } })));
  await expect(other.getByTestId('run-row')).toHaveCount(3);
  await expect(other.getByTestId('run-note').last()).toContainText("the state is of another config than the run's");
  for (const id of [2, 3]) {
    await expect(other.getByTestId(`resume-${id}`)).toHaveCount(0);
    await expect(
      other
        .getByTestId('run-row')
        .nth(id - 1)
        .locator('td')
        .nth(3),
    ).toHaveText(String(keptAt));
  }
  await ctx.close();
});

test('resume refused with a reason, nothing else lost: no IndexedDB (private mode), a full quota, and a second tab on a run another tab owns', async ({
  browser,
  baseURL,
}) => {
  // private mode: the page says state is not kept, and trains
  const priv = await browser.newContext({ baseURL });
  await priv.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true }));
  const p = await priv.newPage();
  await p.goto('./' + encodeShare(R, true));
  await expect(p.getByTestId('storage-error')).toContainText('no IndexedDB', { timeout: 60_000 });
  await waitSteps(p, 2);
  await expect(p.getByTestId('kept-1')).toHaveCount(0);
  await priv.close();

  // a full quota: said once, the run goes on
  const full = await browser.newContext({ baseURL });
  await full.addInitScript(() => {
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('the quota has been exceeded', 'QuotaExceededError');
    };
  });
  const q = await full.newPage();
  await q.goto('./' + encodeShare(R, false));
  await keepEvery(q, 1);
  await q.getByTestId('start').click();
  await expect(q.getByTestId('storage-error')).toContainText(
    /the state at step \d+ was not kept: the browser's storage for this page is full/,
    { timeout: 60_000 },
  );
  await waitSteps(q, 3);
  await expect(q.getByTestId('run-status')).not.toHaveText('error');
  await full.close();

  // two tabs: the first owns its run; the second says so and neither resumes nor deletes its state
  const two = await browser.newContext({ baseURL });
  const a = await two.newPage();
  await a.goto('./' + encodeShare(R, false));
  await a.getByTestId('step').click();
  await expect(a.getByTestId('kept-1')).toHaveText('state kept at step 1', { timeout: 150_000 });
  await a.waitForTimeout(1200); // the step is written to IndexedDB just after it shows
  const b = await two.newPage();
  await b.goto('./');
  await expect(b.getByTestId('resume-note')).toContainText('open in another tab, which owns it');
  await expect(b.getByTestId('resume-1')).toBeDisabled();
  await expect(b.getByTestId('export-state-1')).toHaveCount(0);
  // the owner carries on
  await a.getByTestId('start').click();
  await expect(a.getByTestId('run-status')).toHaveText('done', { timeout: 150_000 });
  await two.close();
});
