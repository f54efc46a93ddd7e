import { expect, test } from '@playwright/test';
import { withoutWebGpu } from './fixtures';

test('the first page reports the WebGPU adapter it got', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByTestId('gpu-report')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('gpu-report').locator('summary').click();
  await expect(page.getByTestId('gpu-architecture')).toHaveText(/\S/);
  await expect(page.getByTestId('gpu-f16')).toHaveText(/yes|no/);
  await expect(page.getByText('maxStorageBufferBindingSize')).toBeVisible();
  // the defaults are the size at which RL shows: no warning
  await expect(page.getByTestId('size-note')).toHaveCount(0);
});

test('without WebGPU the page says why and what to do', async ({ baseURL }) => {
  await withoutWebGpu(baseURL, async (page) => {
    await expect(page.getByTestId('no-webgpu-reason')).toHaveText(/WebGPU|adapter/);
    // how to turn it on, one click away (the note is calm: wasm runs everything)
    await page.getByTestId('webgpu-advice').locator('summary').click();
    await expect(page.getByText(/--enable-unsafe-webgpu/)).toBeVisible();
    // the CPU's small settings say they are too small to show learning
    await page.getByTestId('use-cpu').click();
    await expect(page.getByTestId('field-batchPrompts')).toHaveValue('1');
    await expect(page.getByTestId('size-note')).toContainText('Too small to show learning: 1 prompt per step');
  });
});
