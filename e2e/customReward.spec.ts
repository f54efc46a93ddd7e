// Your own reward (#45): written in the editor, checked against corrupted descriptions, trained,
// shared as a link, and the link's code shown and run only after consent, to the same metrics.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { DEFAULT_RL, type RLConfig } from '../src/rl/config';
import { CORRUPTIONS } from '../src/tasks/corrupt';
import { RLTrainer } from '../src/rl/trainer';
import { decodeShare, encodeShare } from '../src/ui/share/urlCodec';
import { readCheckpointDir } from '../scripts/checkpointFile';
import { nodeBackend } from '../scripts/nodeBackend';

const TINY: RLConfig = {
  ...DEFAULT_RL,
  batchPrompts: 2,
  G: 4,
  heldoutEvery: 0,
  steps: 3,
  seed: 7,
  recordPrompts: 1,
  metricEvery: 0,
  maxDescTokens: 16,
  maxAnswerTokens: 8,
};

const LENGTH = "function reward(input) {\n  return input.description.text.split(' ').length / 10;\n}\n";
// the seeded random plays a part, so that the same run from the link is also the same draws
const WITH_RANDOM =
  "function reward(input) {\n  return input.description.text.split(' ').length / 10 + 0.01 * Math.random();\n}\n";

/** Replaces the editor's whole text (as a paste would: no brackets closed for us). */
async function writeCode(page: Page, source: string) {
  const editor = page.locator('[data-testid="reward-editor"] .cm-content');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await editor.evaluate((el, text) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, source);
}

async function exportMetrics(page: Page): Promise<Record<string, unknown>[]> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-testid^=export-]').first().click(),
  ]);
  const run = JSON.parse(readFileSync((await download.path())!, 'utf8'));
  return run.metrics.map(({ step_ms: _a, phase_ms: _b, ...m }: Record<string, unknown>) => m);
}

test(
  'write a reward in the editor, see its error at its line, check it, train 3 steps; the link asks before it runs the code, then gives the same run',
  { tag: '@dev' },
  async ({ page, browser, baseURL }) => {
    await page.goto('./' + encodeShare(TINY, false, 'wasm'));
    await page.getByTestId('field-algo').selectOption('custom');
    const editor = page.getByTestId('reward-editor');
    // the editor loads when it is first wanted: seconds on the dev server of a loaded machine
    await expect(editor).toBeVisible({ timeout: 30_000 });
    // starts from the labelled F1 example, which compiles
    await expect(editor.locator('.cm-content')).toContainText('function reward(input)');
    await expect(page.getByTestId('reward-ok')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('reward-doc')).toContainText('description: {');
    // the code was empty for a moment (an error, which opens the advanced fold): filled in, the fold closes again
    await expect(page.getByTestId('advanced')).not.toHaveAttribute('open');

    // a syntax error, named at its line, in the text and in the editor's gutter
    await writeCode(page, 'function reward(input) {\n  return input.description.text.length +;\n}\n');
    await expect(page.getByTestId('reward-error')).toContainText('line 2: does not run: SyntaxError');
    await expect(editor.locator('.cm-lint-marker-error')).toHaveCount(1);
    await expect(page.getByTestId('reward-check')).toBeDisabled();
    // and Start waits for it, saying why, rather than a run that fails at once
    await expect(page.getByTestId('start')).toBeDisabled();
    await expect(page.getByTestId('start-why')).toContainText('line 2: does not run: SyntaxError');

    // the length reward: blind to a colour or shape swapped, fooled by a duplicate
    await writeCode(page, LENGTH);
    await expect(page.getByTestId('reward-ok')).toBeVisible();
    await page.getByTestId('reward-check').click();
    await expect(page.getByTestId('reward-check-table')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('check-change_color')).toContainText('0.0%');
    await expect(page.getByTestId('check-change_color')).toHaveClass(/low/);
    await expect(page.getByTestId('check-drop_object')).toContainText('100.0%');
    await expect(page.getByTestId('reward-check-table')).toContainText('200 held-out problems');
    await expect(page.getByTestId('reward-check-stale')).toHaveCount(0);

    // an edit leaves the table up, marked as of the code before it
    await writeCode(page, WITH_RANDOM);
    await expect(page.getByTestId('reward-ok')).toBeVisible();
    await expect(page.getByTestId('start-why')).toHaveCount(0);
    await expect(page.getByTestId('reward-check-stale')).toContainText('The code has changed since this check');
    await page.getByTestId('share').click();
    const url = await page.getByTestId('share-url').inputValue();
    expect(url.startsWith(baseURL!)).toBe(true);
    await page.getByTestId('start').click();
    await expect(page.getByTestId('status')).toHaveText('done', { timeout: 150_000 });
    const first = await exportMetrics(page);
    expect(first).toHaveLength(3);

    // the same config in Node, on the same wasm kernels and the same sandbox: the same metrics
    const config = decodeShare(new URL(url).hash).config;
    expect(config.rewardCode).toBe(WITH_RANDOM);
    const t = new RLTrainer(nodeBackend('wasm'), config, readCheckpointDir('models/tinyvlm-v1').checkpoint);
    const inNode = [];
    for (let i = 0; i < 3; i++) {
      const { step_ms: _a, phase_ms: _b, ...m } = (await t.trainStep()).metrics;
      inNode.push(JSON.parse(JSON.stringify(m)));
    }
    t.free();
    expect(inNode).toEqual(first);

    // a fresh browser context opens the link: the code is shown, and nothing runs before consent
    const ctx = await browser.newContext({ baseURL });
    const other = await ctx.newPage();
    await other.goto(url);
    await expect(other.getByTestId('code-consent')).toBeVisible();
    await expect(other.getByTestId('code-consent-source')).toContainText('0.01 * Math.random()');
    await other.waitForTimeout(1000);
    await expect(other.getByTestId('run-row')).toHaveCount(0);
    await other.getByTestId('code-consent-accept').click();
    await expect(other.getByTestId('code-consent')).toHaveCount(0);
    await expect(other.getByTestId('status')).toHaveText(/^(done|error)$/, { timeout: 150_000 });
    expect(await other.getByTestId('run-error').allTextContents()).toEqual([]);
    expect(await exportMetrics(other)).toEqual(first);
    // code agreed to in a tab is its own: a reload there neither asks again nor falls back to the defaults
    await other.reload();
    await expect(other.getByTestId('field-algo')).toHaveValue('custom');
    await expect(other.locator('[data-testid="reward-editor"] .cm-content')).toContainText('0.01 * Math.random()', {
      timeout: 30_000,
    });
    await expect(other.getByTestId('code-consent')).toHaveCount(0);
    await ctx.close();
    // as is code written here
    await page.reload();
    await expect(page.locator('[data-testid="reward-editor"] .cm-content')).toContainText('0.01 * Math.random()', {
      timeout: 30_000,
    });
    await expect(page.getByTestId('code-consent')).toHaveCount(0);
  },
);

test('bad code gets a clear error and the page stays live: a throw, an endless loop, a huge allocation, storage, a non-number', async ({
  page,
}) => {
  await page.goto('./' + encodeShare({ ...TINY, algo: 'custom', rewardCode: LENGTH }, false, 'wasm'));
  // a link with code, opened without run: still shown and asked about first
  await expect(page.getByTestId('code-consent')).toBeVisible();
  await page.getByTestId('code-consent-accept').click();
  await expect(page.getByTestId('reward-ok')).toBeVisible({ timeout: 30_000 });
  const cases: [string, RegExp][] = [
    ['function reward(input) {\n  throw new Error("no");\n}', /line 2: .*it threw: Error: no/],
    ['function reward(input) {\n  while (true) {}\n}', /stopped at the time limit of 100 ms/],
    [
      'function reward(input) {\n  return new Float64Array(1 << 25).length;\n}',
      /out of memory \(the limit is 16 MiB\)/,
    ],
    [
      'function reward(input) {\n  return localStorage.length;\n}',
      /line 2: .*ReferenceError: '?localStorage'? is not defined/,
    ],
    ['function reward(input) {\n  return fetch("https://example.com");\n}', /ReferenceError: '?fetch'? is not defined/],
    ['function reward(input) {\n  return document.title.length;\n}', /ReferenceError: '?document'? is not defined/],
    ['function reward(input) {\n  return "high";\n}', /returned string "high": it must return one finite number/],
  ];
  for (const [source, said] of cases) {
    await writeCode(page, source);
    await expect(page.getByTestId('reward-ok')).toBeVisible();
    await page.getByTestId('reward-check').click();
    await expect(page.getByTestId('reward-check-error')).toContainText(said, { timeout: 60_000 });
    // the page answers at once
    await page.getByTestId('field-algo').focus();
  }
  // a throw in training stops the run with the same words, and keeps the form as it was
  await writeCode(
    page,
    'function reward(input) {\n  if (input.step === 1) throw new Error("at step two");\n  return 1;\n}',
  );
  await page.getByTestId('start').click();
  await expect(page.getByTestId('notice').or(page.getByTestId('run-error')).first()).toContainText('at step two', {
    timeout: 150_000,
  });
  await expect(page.getByTestId('field-algo')).toHaveValue('custom');
});

test("Check this reward on the MI path: a reward built from each token's two log-probs, scored per corruption class", async ({
  page,
}) => {
  // MI with a floor, summed from the two log-probs; it refuses terms that do not add up to the per-token MI
  const source = `function reward(input) {
  const m = input.mi;
  if (m === null) throw new Error('no MI');
  let s = 0;
  for (let t = 0; t < m.perToken.length; t++) {
    const d = m.logpWith[t] - m.logpWithout[t];
    if (!(Math.abs(d - m.perToken[t]) < 1e-3)) throw new Error('token ' + t + ': ' + d + ' vs ' + m.perToken[t]);
    s += d;
  }
  return input.description.wellFormed ? Math.max(-10, s) : -10;
}
`;
  await page.goto('./' + encodeShare({ ...TINY, algo: 'custom', rewardMI: true, rewardCode: source }, false, 'wasm'));
  await expect(page.getByTestId('code-consent')).toBeVisible();
  await page.getByTestId('code-consent-accept').click();
  await expect(page.getByTestId('reward-ok')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('reward-check').click();
  // the warm start is loaded to score MI: slower than a check without it
  await expect(page.getByTestId('reward-check-table')).toBeVisible({ timeout: 170_000 });
  await expect(page.getByTestId('reward-check-error')).toHaveCount(0);
  await expect(page.getByTestId('reward-check-table')).toContainText('200 held-out problems');
  // per class: MI sees a dropped object and a cut description (as in docs/custom-reward.md), every class was scored
  for (const cls of ['drop_object', 'truncate']) {
    await expect(page.getByTestId(`check-${cls}`)).not.toHaveClass(/low/);
    await expect(page.getByTestId(`check-${cls}`).locator('td').nth(1)).toHaveText(/^(9\d|100)\.\d%$/);
  }
  const rows = page
    .getByTestId('reward-check-table')
    .locator('tbody tr[data-testid^="check-"]:not([data-testid="check-overall"])');
  await expect(rows).toHaveCount(CORRUPTIONS.length);
  for (const row of await rows.all()) await expect(row.locator('td').nth(2)).toHaveText(/^[1-9]\d*$/);
  await expect(page.getByTestId('check-overall')).toContainText(/\d+\.\d%/);
});

test("your reward in the Teaching tab's verdict: the length reward's measured runs against the measured GRPO-16, paired by seed", async ({
  page,
}) => {
  await page.goto('./');
  // the committed length-reward runs (data/experiment-custom), as run files; they were evaluated at step 60 only
  // (heldoutEvery 60), the one setting that is not the comparison's: evaluations draw nothing a step draws
  for (const seed of [1, 2, 3]) {
    const d = JSON.parse(readFileSync(`data/experiment-custom/length-seed${seed}.json`, 'utf8'));
    const run = {
      kind: 'mirl-playground-run',
      version: 5,
      label: `length seed ${seed}`,
      config: { ...d.config, heldoutEvery: DEFAULT_RL.heldoutEvery },
      metrics: d.steps,
      records: d.last_records ?? [],
    };
    await page
      .getByTestId('import')
      .setInputFiles({
        name: `length-seed${seed}.json`,
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(run)),
      });
    await expect(page.getByTestId('run-row')).toHaveCount(seed);
  }
  await page.getByTestId('tab-teaching').click();
  const panel = page.getByTestId('teaching-view');
  await panel.getByTestId('load-measured').click();
  await expect(panel.getByTestId('load-note')).toContainText('33 runs of the committed experiments');
  await expect(panel.getByTestId('verdict-custom-change')).toContainText(
    /^Your reward: held-out description F1 fell \(−0\.536 ± 0\.000, mean of 3 seeds, SE over seeds\)\.$/,
  );
  await expect(panel.getByTestId('verdict-custom-vs-grpo')).toContainText(
    /^ Your reward is behind GRPO: −0\.471 ± 0\.045 F1, beyond 2 SE \(paired over 3 seeds\)\./,
  );
  // a row of its own in the table of changes, after the comparison's eleven arms
  await expect(panel.getByTestId('change-row')).toHaveCount(12);
  await expect(panel.getByTestId('change-row').last()).toContainText('Your reward');
});
