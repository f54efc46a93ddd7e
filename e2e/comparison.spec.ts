// The comparison as one button (#46): arms x seeds trained several at once on wasm, the verdict paired by seed in the
// page, the runs ordinary runs that a reload keeps. At the quick size, so that the whole of it takes well under a
// minute here.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { DEFAULT_RL } from '../src/rl/config';
import { encodeShare } from '../src/ui/share/urlCodec';

test.beforeEach(({ context }) => context.addInitScript(() => localStorage.setItem('mirl-playground-backend', 'wasm')));

/** Opens the Teaching tab and starts a quick comparison of the arms left checked (and `add`), two at a time. */
async function startComparison(
  page: Page,
  { drop, add = [], seeds }: { drop: string[]; add?: string[]; seeds: number },
): Promise<Locator> {
  await page.getByTestId('tab-teaching').click();
  const runner = page.getByTestId('comparison-runner');
  for (const id of drop) await runner.getByTestId(`cmp-arm-${id}`).uncheck();
  for (const id of add) await runner.getByTestId(`cmp-arm-${id}`).check();
  await runner.getByTestId('cmp-seeds').fill(String(seeds));
  await runner.getByTestId('cmp-size').selectOption('quick');
  await runner.getByTestId('cmp-width').fill('2');
  await runner.getByTestId('cmp-start').click();
  return runner;
}

test(
  'Run the comparison: 2 arms x 2 seeds at once on wasm, progress per arm and seed, a verdict paired by seed; the runs are listed and a reload keeps them',
  { tag: '@dev' },
  async ({ page }) => {
    await page.goto('./');
    const runner = await startComparison(page, { drop: ['perception-r1'], seeds: 2 });
    await expect(runner.getByTestId('cmp-start')).toBeDisabled();
    await expect(runner.getByTestId('cmp-stop')).toBeEnabled();
    // seed-major, two at once: both arms of seed 1 train while seed 2 waits
    await expect(runner.getByTestId('cmp-cell-grpo-1')).toHaveAttribute('data-state', 'running');
    await expect(runner.getByTestId('cmp-cell-mirl-1')).toHaveAttribute('data-state', 'running');
    await expect(runner.getByTestId('cmp-cell-grpo-2')).toHaveText('queued');
    await expect(runner.getByTestId('cmp-cell-mirl-2')).toHaveText('queued');
    await expect(runner.getByTestId('cmp-status')).toContainText('0 of 4 runs done, 2 at a time');
    // the first pair fills in before the second seed ends
    const verdict = runner.getByTestId('cmp-verdict-mirl');
    await expect(verdict).toHaveAttribute('data-pairs', '1', { timeout: 120_000 });
    await expect(verdict).toContainText(
      /MIRL − GRPO, .* paired by seed: seed 1 [+−]\d\.\d{3} \(one seed: no error yet\)/,
    );
    await expect(verdict).toHaveAttribute('data-pairs', '2', { timeout: 120_000 });
    await expect(verdict).toContainText(
      /paired by seed: seed 1 [+−]\d\.\d{3}, seed 2 [+−]\d\.\d{3}; mean [+−]\d\.\d{3} ± \d\.\d{3} over 2 seeds \(2 seeds: 3 are needed to call it\)/,
    );
    await expect(runner.getByTestId('cmp-status')).toHaveText('all 4 runs ended');
    for (const cell of ['grpo-1', 'mirl-1', 'grpo-2', 'mirl-2'])
      await expect(runner.getByTestId(`cmp-cell-${cell}`)).toHaveText('done, 2 / 2 steps');
    await expect(runner.getByTestId('cmp-start')).toBeEnabled();
    // ordinary runs: listed in the Playground, done, none of them the live run
    await page.getByTestId('tab-playground').click();
    await expect(page.getByTestId('run-row')).toHaveCount(4);
    await expect(page.getByTestId('run-status')).toHaveText(['done', 'done', 'done', 'done']);
    // a reload keeps the runs and the plan: the same verdict, nothing to resume
    await page.reload();
    await page.getByTestId('tab-teaching').click();
    await expect(runner.getByTestId('cmp-verdict-mirl')).toHaveAttribute('data-pairs', '2');
    await expect(runner.getByTestId('cmp-cell-mirl-2')).toHaveText('done, 2 / 2 steps');
    await expect(runner.getByTestId('cmp-resume')).toHaveCount(0);
    // and the form shows the plan's choices, not the defaults
    await expect(runner.getByTestId('cmp-arm-perception-r1')).not.toBeChecked();
    await expect(runner.getByTestId('cmp-arm-mirl')).toBeChecked();
    await expect(runner.getByTestId('cmp-seeds')).toHaveValue('2');
    await expect(runner.getByTestId('cmp-size')).toHaveValue('quick');
    await expect(runner.getByTestId('cmp-width')).toHaveValue('2');
  },
);

test(
  'Stop the comparison stops every run; after a reload, Resume continues them to the end',
  { tag: '@dev' },
  async ({ page }) => {
    await page.goto('./');
    const runner = await startComparison(page, { drop: ['perception-r1', 'mirl'], seeds: 2 });
    await expect(runner.getByTestId('cmp-cell-grpo-2')).toHaveAttribute('data-state', 'running');
    await runner.getByTestId('cmp-stop').click();
    await expect(runner.getByTestId('cmp-cell-grpo-1')).toHaveAttribute('data-state', 'stopped');
    await expect(runner.getByTestId('cmp-cell-grpo-2')).toHaveAttribute('data-state', 'stopped');
    await expect(runner.getByTestId('cmp-status')).toContainText('stopped: 0 of 2 runs done');
    await page.reload();
    await page.getByTestId('tab-teaching').click();
    await runner.getByTestId('cmp-resume').click();
    await expect(runner.getByTestId('cmp-status')).toHaveText('all 2 runs ended', { timeout: 120_000 });
    await expect(runner.getByTestId('cmp-cell-grpo-1')).toHaveText('done, 2 / 2 steps');
    await expect(runner.getByTestId('cmp-cell-grpo-2')).toHaveText('done, 2 / 2 steps');
    // the same two runs, continued: no new rows
    await page.getByTestId('tab-playground').click();
    await expect(page.getByTestId('run-row')).toHaveCount(2);
  },
);

test(
  "your reward as an arm: the config's custom reward runs beside GRPO-16 on the same seed and is paired with it in the verdict",
  // on the built site only: the comparison's runner is checked in both projects by the tests above
  async ({ page }) => {
    const code =
      "function reward(input) {\n  return input.builtins.f1 - 0.01 * input.description.text.split(' ').length;\n}\n";
    await page.goto('./' + encodeShare({ ...DEFAULT_RL, algo: 'custom', rewardCode: code }, false, 'wasm'));
    await expect(page.getByTestId('code-consent')).toBeVisible();
    await page.getByTestId('code-consent-accept').click();
    await expect(page.getByTestId('code-consent')).toHaveCount(0);
    await expect(page.getByTestId('reward-ok')).toBeVisible({ timeout: 30_000 });
    const runner = await startComparison(page, { drop: ['perception-r1', 'mirl'], add: ['custom'], seeds: 1 });
    await expect(runner.getByTestId('cmp-custom-note')).toContainText('G = 16');
    await expect(runner.getByTestId('cmp-cell-grpo-1')).toHaveAttribute('data-state', 'running');
    await expect(runner.getByTestId('cmp-cell-custom-1')).toHaveAttribute('data-state', 'running');
    await expect(runner.getByTestId('cmp-status')).toHaveText('all 2 runs ended', { timeout: 120_000 });
    await expect(runner.getByTestId('cmp-cell-custom-1')).toHaveText('done, 2 / 2 steps');
    const verdict = runner.getByTestId('cmp-verdict-custom');
    await expect(verdict).toHaveAttribute('data-pairs', '1');
    await expect(verdict).toContainText(
      /Your reward − GRPO, .* paired by seed: seed 1 [+−]\d\.\d{3} \(one seed: no error yet\)/,
    );
    // an ordinary run of the custom algorithm, its code the form's
    await page.getByTestId('tab-playground').click();
    await expect(page.getByTestId('run-row')).toHaveCount(2);
    await expect(page.getByTestId('run-status')).toHaveText(['done', 'done']);
  },
);
