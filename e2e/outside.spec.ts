// The round trip with verl and TRL as a user drives it: rollout logs written by the repo's fixture script
// (scripts/dumps) read into the outside-run view through "Import run…", and a config exported as recipes.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { trlParquet, verlDump, wandbCompletions, type DumpFile } from '../scripts/dumps/fixtures';

/** The fixture files on disk (Playwright hands files to the page by path). */
function onDisk(files: DumpFile[], dir: string): string[] {
  const at = join(test.info().outputDir, dir);
  mkdirSync(at, { recursive: true });
  return files.map((f) => {
    const p = join(at, f.name);
    writeFileSync(p, f.data);
    return p;
  });
}

async function open(page: Page) {
  await page.goto('./');
  await expect(page.getByTestId('controls')).toBeVisible();
}

test('a verl rollout dump imported through "Import run…" shows steps, groups, segments, tokens and its bad lines', async ({
  page,
}) => {
  await open(page);
  const files = verlDump({ steps: 3, prompts: 4, n: 5, seed: 11, bad: 2, tokensEvery: 2 });
  await page.getByTestId('import').setInputFiles(onDisk(files, 'verl'));
  // another framework's logs open their own view
  await expect(page.getByTestId('tab-outside')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('outside-summary')).toContainText('verl rollout dump');
  await expect(page.getByTestId('outside-rows-count')).toHaveText('58');
  await expect(page.getByTestId('outside-step')).toHaveCount(3);
  // the two damaged lines, each with its file and line, the rest kept
  await expect(page.getByTestId('outside-bad-count')).toHaveText('2');
  await expect(page.getByTestId('outside-bad-row')).toHaveCount(2);
  await expect(page.getByTestId('outside-bad-row').first()).toContainText(/\d\.jsonl, line \d+/);
  // step 1's groups, a page at a time, each row with its score and an advantage marked as computed here
  await expect(page.getByTestId('outside-step-shown')).toHaveText('step 1');
  const groups = page.getByTestId('outside-group');
  await expect(groups.first()).toBeVisible();
  const first = groups.first();
  // the score column holds the file's scores: 1 or -1 for this reward, NaN (shown –) for an unformatted response
  for (const score of await page.getByTestId('outside-score').allTextContents())
    expect(['1.000', '-1.000', '–']).toContain(score);
  // where a group is scored throughout, its advantages are computed here, marked so, and sum to 0 as GRPO's do
  let checked = 0;
  for (const g of await groups.all()) {
    const cells = g.getByTestId('outside-adv');
    if ((await g.getByTestId('outside-score').allTextContents()).includes('–')) continue;
    expect(await cells.evaluateAll((els) => els.every((e) => e.getAttribute('data-computed') === 'true'))).toBe(true);
    const advs = (await cells.allTextContents()).map((t) => Number(t.replace('*', '')));
    expect(Math.abs(advs.reduce((a, b) => a + b, 0))).toBeLessThan(0.01);
    checked++;
  }
  expect(checked).toBeGreaterThan(0);
  // responses are split into their tagged parts; rows with log-probabilities are coloured token by token
  await expect(page.getByTestId('outside-tokens').first()).toBeVisible();
  await page.getByTestId('outside-by-token').uncheck();
  await expect(page.getByTestId('outside-tokens')).toHaveCount(0);
  await expect(first.getByTestId('seg-description').first()).toBeVisible();
  await expect(first.getByTestId('seg-answer').first()).toBeVisible();
  // the text shown is the file's response, whole
  const line = JSON.parse((files[0].data as string).split('\n')[0].replace(/\bNaN\b/g, 'null')) as { output: string };
  await expect(first.getByTestId('outside-row').first().locator('.response')).toHaveText(line.output);
  // another step, and the pager
  await page.getByTestId('outside-step').nth(2).click();
  await expect(page.getByTestId('outside-step-shown')).toHaveText('step 3');
  await expect(page.getByTestId('outside-page')).toContainText('groups 1–');
});

test('TRL completions (parquet) and a W&B table import; a file of neither kind is refused by name', async ({
  page,
}) => {
  await open(page);
  await page.getByTestId('tab-outside').click();
  await page
    .getByTestId('outside-import')
    .setInputFiles(onDisk(trlParquet({ steps: 2, prompts: 6, n: 4, seed: 3 }), 'trl'));
  await expect(page.getByTestId('outside-summary')).toContainText('TRL completions log');
  await expect(page.getByTestId('outside-rows-count')).toHaveText('48');
  // TRL logs the advantage: shown as given, not computed
  await expect(page.getByTestId('outside-adv').first()).not.toHaveAttribute('data-computed', 'true');
  await expect(page.getByTestId('outside-next')).toBeEnabled();
  await page.getByTestId('outside-next').click();
  await expect(page.getByTestId('outside-page')).toContainText('groups 6–');

  await page
    .getByTestId('outside-import')
    .setInputFiles(onDisk([wandbCompletions({ steps: 1, prompts: 3, n: 4, seed: 2 }, 1)], 'wandb'));
  await expect(page.getByTestId('outside-rows-count')).toHaveText('12');

  const [log] = onDisk(verlDump({ steps: 1, prompts: 1, n: 2, seed: 1 }), 'mixed');
  writeFileSync(join(test.info().outputDir, 'mixed', 'notes.txt'), 'just some notes');
  await page.getByTestId('outside-import').setInputFiles([log, join(test.info().outputDir, 'mixed', 'notes.txt')]);
  await expect(page.getByTestId('outside-error')).toContainText('notes.txt: neither a verl rollout dump');
  await expect(page.getByTestId('outside-summary')).toHaveCount(0);
});

test('100,000 rows stream in a worker with a progress bar; the page stays live to cancel, and a rerun completes', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await open(page);
  const paths = onDisk(verlDump({ steps: 10, prompts: 1250, n: 8, seed: 5 }), 'big');
  await page.getByTestId('import').setInputFiles(paths);
  // a click on the page is answered while the rows come in: Cancel stops the read, and nothing is kept
  await expect(page.getByTestId('outside-progress')).toBeVisible();
  await page.getByTestId('outside-cancel').click();
  await expect(page.getByTestId('outside-cancelled')).toBeVisible();
  await expect(page.getByTestId('outside-summary')).toHaveCount(0);

  // the bar's values as the page draws them, to see that it moves while the rows stream in
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { seen: number[] }).seen = seen;
    new MutationObserver(() => {
      const bar = document.querySelector('[data-testid=outside-progress] progress');
      if (bar) seen.push(Number(bar.getAttribute('value')) / Number(bar.getAttribute('max')));
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await page.getByTestId('outside-import').setInputFiles(paths);
  await expect(page.getByTestId('outside-rows-count')).toHaveText('100,000', { timeout: 240_000 });
  const seen = await page.evaluate(() => (window as unknown as { seen: number[] }).seen);
  const between = [...new Set(seen.filter((x) => x > 0 && x < 1))];
  expect(between.length).toBeGreaterThan(3);
  expect(seen.every((x, i) => i === 0 || x >= seen[i - 1] || x === 0)).toBe(true);
  await expect(page.getByTestId('outside-step')).toHaveCount(10);
  await expect(page.getByTestId('outside-group').first()).toBeVisible();
});

test('a config exports as a verl script and an EasyR1 file, with the link and what does not cross', async ({
  page,
}) => {
  await open(page);
  const download = async (id: string) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(id).click()]);
    return { name: d.suggestedFilename(), text: readFileSync((await d.path())!, 'utf8') };
  };
  const verl = await download('recipe-verl');
  expect(verl.name).toBe('mirl-playground-mirl.verl.sh');
  expect(verl.text).toContain('python3 -m verl.trainer.main_ppo \\');
  expect(verl.text).toContain("# - MIRL's forking");
  expect(verl.text).toMatch(/# From http:\/\/127\.0\.0\.1:\d+\/.*#v=/);
  const easy = await download('recipe-easyr1');
  expect(easy.name).toBe('mirl-playground-mirl.easyr1.yaml');
  const doc = parse(easy.text) as { worker: { rollout: { n: number } } };
  expect(doc.worker.rollout.n).toBe(6);

  // an invalid config exports nothing
  await page.getByTestId('field-lr').fill('0');
  await page.getByTestId('field-lr').press('Enter');
  await expect(page.getByTestId('recipe-verl')).toBeDisabled();
});
