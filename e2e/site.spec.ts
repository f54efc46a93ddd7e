// The production build as a static host serves it: under a sub-path, with only what
// `npm run build` put in dist/. Runs in the 'site' project only (playwright.config.ts).
import { expect, test, type Request } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { encodeShare } from '../src/ui/share/urlCodec';
import { SMALL } from './fixtures';

const CHECKPOINT = /\/models\/tinyvlm-v1\/model\.[\w-]{6,}\.safetensors$/;

test('the site loads its checkpoint and trains, and every request stays under its own sub-path', async ({
  page,
  context,
  baseURL,
}) => {
  const requests: Request[] = [];
  context.on('request', (r) => requests.push(r));
  await page.goto('./' + encodeShare(SMALL, true));
  await expect
    .poll(async () => Number(await page.getByTestId('step-counter').textContent()), { timeout: 150_000 })
    .toBeGreaterThanOrEqual(1);

  const urls = requests.map((r) => r.url()).filter((u) => !u.startsWith('data:') && !u.startsWith('blob:'));
  expect(urls.filter((u) => !u.startsWith(baseURL!))).toEqual([]);
  const failed: string[] = [];
  for (const r of requests) {
    const res = await r.response();
    if (res && res.status() >= 400) failed.push(`${res.status()} ${r.url()}`);
  }
  expect(failed).toEqual([]);

  // the trainer worker fetched the content-hashed checkpoint, and got the shipped bytes
  const ck = requests.find((r) => CHECKPOINT.test(r.url()));
  expect(ck, `no checkpoint request among ${urls.join(', ')}`).toBeDefined();
  const res = await page.request.get(ck!.url());
  expect(res.headers()['content-type'] ?? '').not.toContain('text/html');
  expect(Buffer.from(await res.body()).equals(readFileSync('models/tinyvlm-v1/model.safetensors'))).toBe(true);
});

test('the build holds the model card, answers a missing file with 404, and links only relatively', async ({
  request,
  baseURL,
}) => {
  const card = await request.get('models/tinyvlm-v1/README.md');
  expect(card.status()).toBe(200);
  expect(await card.text()).toContain('# tinyvlm-v1');
  const config = await request.get('models/tinyvlm-v1/config.json');
  expect(await config.json()).toMatchObject({ name: 'tinyvlm-v1' });
  // only the hashed name is shipped; a missing file must not come back as the page
  const missing = await request.get('models/tinyvlm-v1/model.safetensors');
  expect(missing.status()).toBe(404);
  const html = await (await request.get(baseURL!)).text();
  expect(html).not.toMatch(/(src|href)="\//);
});
