// The runs a session keeps: in IndexedDB, a step appended at a time, whole after a reload, and a full quota said
// with the run it cost, never a run shown as complete that is not.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_RL } from '../src/rl/config';
import { encodeShare } from '../src/ui/share/urlCodec';
import { makeRunFiles, type MadeRunFile } from '../scripts/runFiles';

const SMALL = { ...DEFAULT_RL, batchPrompts: 1, N: 4, k: 2, G: 4, heldoutEvery: 0, seed: 5, recordPrompts: 1 };

async function importFile(page: Page, f: MadeRunFile) {
  const path = test.info().outputPath(f.name);
  writeFileSync(path, f.text);
  const rows = await page.getByTestId('run-row').count();
  await page.getByTestId('import').setInputFiles(path);
  await expect(page.getByTestId('run-row')).toHaveCount(rows + 1, { timeout: 30_000 });
}

async function download(page: Page, testId: string): Promise<string> {
  const [d] = await Promise.all([
    // one click in a few of these runs, always on the 11th export in a row, brings no download (the button takes
    // the focus, no page error): clicked again, said in the log (noted for #42's follow-up, not understood yet)
    page.waitForEvent('download', { timeout: 15_000 }).catch(async () => {
      console.log(`no download from ${testId} in 15 s: clicked again`);
      return Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]).then(([x]) => x);
    }),
    page.getByTestId(testId).click(),
  ]);
  return readFileSync((await d.path())!, 'utf8');
}

/** Every run's export, by its row's id. */
async function exportsOf(page: Page): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const b of await page.locator('[data-testid^=export-]:not([data-testid^=export-state])').all()) {
    const id = (await b.getAttribute('data-testid'))!;
    out.set(id, await download(page, id));
  }
  return out;
}

/** The steps column of each row. */
const stepsColumn = (page: Page) => page.getByTestId('run-steps').allTextContents();

test('10 imported 60-step runs and a live one come back from a reload with every step, their exports the same text', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const files = makeRunFiles(10);
  await page.goto('./');
  await page.getByTestId('backend').selectOption('wasm');
  const t0 = Date.now();
  const lap = (what: string) => console.log(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  for (const f of files) await importFile(page, f);
  await expect.poll(() => stepsColumn(page)).toEqual(files.map(() => '60'));
  lap('imported');
  // a live run beside them, stopped after a few steps
  await page.goto('./' + encodeShare({ ...SMALL, steps: 5000 }, false));
  await page.getByTestId('backend').selectOption('wasm');
  await page.getByTestId('start').click();
  await expect
    .poll(async () => Number(await page.getByTestId('step-counter').textContent()), { timeout: 120_000 })
    .toBeGreaterThanOrEqual(3);
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('run-status').last()).toHaveText('stopped');
  await expect(page.getByTestId('stop')).toBeDisabled();
  // the status line goes on showing the run it stopped, at the step its row says
  await expect(page.getByTestId('status')).toHaveText('stopped');
  // (the row's column may take a moment to draw its last step: the two are compared until they agree)
  const counter = page.getByTestId('step-counter');
  const rowSteps = page.getByTestId('run-steps').last();
  await expect
    .poll(async () => `${await counter.textContent()} / ${await rowSteps.textContent()}`)
    .toMatch(/^(\d+) \/ \1$/);
  // its state, kept as it stopped, brings a Resume button into the row: wait for it, or a click on the row's
  // export as it appears can miss (the button moves under the pointer)
  await expect(page.getByTestId('run-row').last().getByRole('button', { name: 'Resume' })).toBeVisible();
  lap('live run stopped');
  const before = await exportsOf(page);
  lap('exported');
  expect(before.size).toBe(11);
  const live = JSON.parse([...before.values()][10]);
  expect(live.metrics.length).toBeGreaterThanOrEqual(3);

  await page.reload();
  // eleven runs read back and unpacked: seconds on a loaded 2-core machine (how fast is the bench's business)
  await expect(page.getByTestId('run-row')).toHaveCount(11, { timeout: 30_000 });
  await expect.poll(() => stepsColumn(page)).toEqual([...files.map(() => '60'), String(live.metrics.length)]);
  await expect(page.getByTestId('notice')).toHaveCount(0);
  lap('reloaded');
  const after = await exportsOf(page);
  expect([...after.keys()]).toEqual([...before.keys()]);
  for (const [id, text] of before) expect(after.get(id) === text, `${id} after the reload`).toBe(true);
  // and the runs are in IndexedDB, not in localStorage's 5 MB
  expect(await page.evaluate(() => localStorage.getItem('mirl-playground-runs'))).toBeNull();
});

test('a full quota names the run that was not saved and offers its export; the runs kept before stay whole', async ({
  page,
  baseURL,
}) => {
  test.setTimeout(240_000);
  // enough runs to pass the quota with room to spare: Chromium counts IndexedDB's usage lazily, and 6 runs (about
  // 2.5 MB) once all went in under 1.8 MB
  const files = makeRunFiles(12);
  await page.goto('./');
  // a small quota for this origin, as a nearly full disk gives (Chromium's own quota override)
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin, quotaSize: 1_800_000 });
  let failed: MadeRunFile | null = null;
  const kept: MadeRunFile[] = [];
  for (const f of files) {
    await importFile(page, f);
    const row = page.getByTestId('run-row').last();
    // each import is written (or refused) before the next: the row says which
    await expect
      .poll(
        async () =>
          (await row.locator('[data-testid^=unsaved-]').count()) > 0 ||
          (await page.evaluate(() => navigator.storage.estimate().then((e) => e.usage ?? 0))) > 0,
        { timeout: 20_000 },
      )
      .toBe(true);
    await page.waitForTimeout(500);
    if ((await row.locator('[data-testid^=unsaved-]').count()) > 0) {
      failed = f;
      break;
    }
    kept.push(f);
  }
  expect(failed, 'the quota was reached').not.toBeNull();
  expect(kept.length).toBeGreaterThan(0);
  const row = page.getByTestId('run-row').last();
  await expect(row.locator('[data-testid^=unsaved-]').first()).toContainText(
    "the browser's storage for this page is full",
  );
  await expect(page.getByTestId('notice').last()).toContainText(
    `"${failed!.label} (imported)" was not saved for a reload`,
  );
  await expect(page.getByTestId('notice').last()).toContainText('the runs saved before are intact');
  // its export is whole, and imports back
  const exported = JSON.parse(
    await download(page, (await row.locator('[data-testid^=unsaved-export-]').getAttribute('data-testid'))!),
  );
  expect(exported.metrics).toHaveLength(60);
  expect(exported.records).toEqual(JSON.parse(failed!.text).records);

  const before = await exportsOf(page);
  await page.reload();
  // the runs kept before come back whole; the one that was not saved does not pretend to be there
  await expect(page.getByTestId('run-row')).toHaveCount(kept.length);
  await expect.poll(() => stepsColumn(page)).toEqual(kept.map(() => '60'));
  const after = await exportsOf(page);
  for (const [id, text] of after) expect(text === before.get(id), `${id} after the reload`).toBe(true);
});

test("a row's resume note and button follow the state that is kept, and never claim one that is not", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto('./' + encodeShare({ ...SMALL, steps: 5000 }, false));
  await page.getByTestId('backend').selectOption('wasm');
  await page.getByTestId('kept-states').locator('summary').click();
  await page.getByTestId('keep-every').fill('3');
  await page.getByTestId('kept-states').locator('summary').click();
  await page.getByTestId('start').click();
  await expect(page.getByTestId('kept-1')).toContainText(/state kept at step [1-9]/, { timeout: 120_000 });
  await page.reload();
  const row = page.getByTestId('run-row').first();
  await expect(row.getByTestId('run-status')).toHaveText('restored');
  const kept = Number((await page.getByTestId('kept-1').textContent())!.match(/\d+/)![0]);
  const steps = Number(await row.getByTestId('run-steps').textContent());
  // every step up to the state is back, so Resume continues without a gap
  expect(steps).toBeGreaterThanOrEqual(kept);
  await expect(row.getByTestId('resume-note')).toHaveText(
    `stopped at step ${steps} by a reload; its trainer state was kept at step ${kept}: Resume continues from there (later steps are re-run, identically)`,
  );
  await expect(page.getByTestId('resume-1')).toBeVisible();
  // its state deleted: the row says so at once, and offers no Resume
  await page.getByTestId('kept-states').locator('summary').click();
  await page.getByTestId('kept-delete').first().click();
  await expect(row.getByTestId('resume-note')).toContainText('no trainer state was kept for it, so it cannot resume');
  await expect(page.getByTestId('resume-1')).toHaveCount(0);
  await expect(page.getByTestId('stop')).toBeDisabled();
});
