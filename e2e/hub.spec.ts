// The Real VLM view on SwiftShader WebGPU, offline, with the tiny idefics3-format
// model the app serves: it loads on the page's own device, its greedy tokens and
// its MI (from mi_score.wgsl) equal the Node run's (onnxruntime-node, CPU
// reference), the ranked list and the colouring appear, every bad input shows
// its message where it happened, and no request leaves the page's origin.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { DEFAULT_RL } from '../src/rl/config';
import { encodeShare } from '../src/ui/share/urlCodec';
import { SMALL } from './fixtures';
import { generateProblem } from '../src/tasks/problem';
import { renderScene, toRgba } from '../src/tasks/render';

const TINY = './models/tiny-idefics3/';
// docs/real-vlm.md.s screenshot: retaken by npm run screenshots (SCREENSHOTS), else kept in the test output.
const shots = () => process.env.SCREENSHOTS ?? test.info().outputDir;

async function openHub(page: Page, hash = '') {
  await page.goto('./' + hash);
  await page.getByTestId('tab-real-vlm').click();
  await expect(page.getByTestId('real-vlm')).toBeVisible();
}

async function loadTiny(page: Page) {
  await page.getByTestId('hub-model').fill(TINY);
  await page.getByTestId('hub-load').click();
  await expect(page.getByTestId('hub-loaded')).toBeVisible({ timeout: 120_000 });
}

async function exported(
  page: Page,
): Promise<{
  descriptions: { ids: number[]; miSum: number; pmi: number[]; kept: boolean; rank: number }[];
  miOn: string;
  model: string;
  image: { sha256: string };
}> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('hub-export').click()]);
  return JSON.parse(readFileSync((await dl.path())!, 'utf8'));
}

test(
  'the tiny model loads on WebGPU, pre-samples, ranks by MI from the GPU kernel, and the CPU reference agrees',
  { tag: '@dev' },
  async ({ page, context, baseURL }) => {
    const urls: string[] = [];
    context.on('request', (r) => urls.push(r.url()));
    await openHub(page);
    await loadTiny(page);
    await expect(page.getByTestId('hub-loaded')).toContainText('fp32 on WebGPU');
    // per-file byte progress, ending complete
    await expect(page.getByTestId('hub-files')).toContainText('onnx/decoder_model_merged.onnx');
    await expect(page.getByTestId('hub-files')).toContainText('/ 136.3 kB');
    await page.getByTestId('hub-scene').click();
    await expect(page.getByTestId('hub-image')).toContainText('task scene');
    await page.getByTestId('hub-N').fill('6');
    await page.getByTestId('hub-k').fill('2');
    await page.getByTestId('hub-maxTokens').fill('10');
    await page.getByTestId('hub-run').click();
    await expect(page.getByTestId('hub-results')).toBeVisible({ timeout: 120_000 });
    // where its output shows, the page says the tiny model's weights are random
    await expect(page.getByTestId('hub-random-note')).toContainText('random weights');
    await expect(page.getByTestId('hub-desc')).toHaveCount(6);
    await expect(page.locator('[data-testid="hub-desc"][data-kept="true"]')).toHaveCount(2);
    // ranked: MI falls down the list, and the kept ones are the top two
    const mis = (await page.getByTestId('hub-mi').allTextContents()).map((t) => Number(t.replace(/[^-0-9.e]/g, '')));
    for (let i = 1; i < mis.length; i++) expect(mis[i - 1]).toBeGreaterThanOrEqual(mis[i]);
    expect(
      await page.getByTestId('hub-desc').evaluateAll((els) => els.map((e) => e.getAttribute('data-kept'))),
    ).toEqual(['true', 'true', 'false', 'false', 'false', 'false']);
    await expect(page.getByTestId('hub-mi-on')).toContainText('GPU');
    const check = (await page.getByTestId('hub-check').textContent()) ?? '';
    const diffs = [...check.matchAll(/([0-9.]+e[-+]\d+)/g)].map((m) => Number(m[1]));
    expect(diffs).toHaveLength(2);
    for (const d of diffs) expect(d).toBeLessThan(1e-3);
    // tokens coloured by pointwise MI, the value on hover
    const tok = page.getByTestId('hub-token').first();
    await expect(tok).toHaveAttribute('title', /pointwise MI -?[0-9.]+ nats/);
    expect(await tok.evaluate((e) => getComputedStyle(e).backgroundColor)).toMatch(/rgba\((37, 99, 235|220, 38, 38)/);
    // the kept ones were continued into an answer to the scene's question
    await expect(page.getByTestId('hub-answer')).toHaveCount(2);
    console.log(
      `tiny model: ${await page.getByTestId('hub-loaded').textContent()}; ${await page.getByTestId('hub-times').textContent()}`,
    );
    await page.getByTestId('real-vlm').screenshot({ path: `${shots()}/real-vlm.png` });
    // every request stayed under the app's own address (on the built site: its sub-path), the runtime's wasm included
    expect(urls.filter((u) => !u.startsWith(baseURL!) && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
    expect(urls.some((u) => /ort-wasm-simd-threaded\.asyncify[-.\w]*\.wasm/.test(u))).toBe(true);

    // beside the results, "Share settings" gives the settings' link (the address bar's: the next test opens it)
    await page.getByTestId('hub-share').click();
    const link = await page.getByTestId('hub-link').inputValue();
    expect(link).toBe(page.url());
    expect(link).toContain('#hub=');

    // a second load of the same model is instant
    await page.getByTestId('hub-load').click();
    await expect(page.getByTestId('hub-loaded')).toContainText('already loaded');
  },
);

test('greedy tokens and MI on the page equal the Node run (onnxruntime-node, CPU reference)', async ({ page }) => {
  // The task scene at the model's input size, as a PNG: no resize on either side (the browser's
  // canvas and Node's image library resize differently), so both runtimes see the same pixels.
  const p = generateProblem(DEFAULT_RL.seed, 0, { families: DEFAULT_RL.families, knobs: DEFAULT_RL.knobs });
  const rgba = toRgba(renderScene(p.scenes[0], 32), 32);
  await openHub(page);
  await loadTiny(page);
  await page
    .getByTestId('hub-file')
    .setInputFiles({
      name: 'scene.png',
      mimeType: 'image/png',
      buffer: png(32, 32, (x, y) => [rgba[(y * 32 + x) * 4], rgba[(y * 32 + x) * 4 + 1], rgba[(y * 32 + x) * 4 + 2]]),
    });
  await expect(page.getByTestId('hub-image')).toContainText('scene.png · 32 x 32');
  for (const [k, v] of [
    ['N', '2'],
    ['k', '1'],
    ['temperature', '0'],
    ['maxTokens', '12'],
  ])
    await page.getByTestId(`hub-${k}`).fill(v);
  await page.getByTestId('hub-run').click();
  await expect(page.getByTestId('hub-results')).toBeVisible({ timeout: 120_000 });
  const r = await exported(page);
  expect(r.miOn).toBe('gpu');

  // The same image, prompt and model in Node.
  const { configureHubEnv, loadHubModel } = await import('../src/hub/load');
  const { presample, promptInputs, scoreOnCpu, teacherForced } = await import('../src/hub/describe');
  const { toRawImage } = await import('../src/hub/run');
  configureHubEnv();
  const hm = await loadHubModel('public/models/tiny-idefics3/', { device: 'cpu' });
  const inputs = await promptInputs(hm, toRawImage({ width: 32, height: 32, rgba }), 'Describe the image.');
  const [greedy] = await presample(hm, inputs, { N: 1, seed: 1, temperature: 0, maxTokens: 12 });
  expect(greedy.ids.length).toBeGreaterThan(0);
  for (const d of r.descriptions) expect(d.ids).toEqual(greedy.ids);
  const [cpu] = await scoreOnCpu(hm, inputs, [greedy.ids], 'text-only');
  // The two runtimes' float32 logits differ by their rounding: a few ulps (2^-24 X, X the largest logit), say 8
  // through this model's layers. A log-prob moves by at most twice its logits' largest change, a pmi (two passes) by
  // four times: 32 2^-24 X per token (X read off the Node passes), the sum of those for the MI.
  const real = await teacherForced(hm, inputs.ids, inputs.image, [greedy.ids]);
  const removed = await teacherForced(hm, inputs.removedIds['text-only'], null, [greedy.ids]);
  const X = Math.max(...[real, removed].map((q) => q.logits.reduce((m, x) => Math.max(m, Math.abs(x)), 0)));
  const perToken = 32 * 2 ** -24 * X;
  for (const d of r.descriptions) {
    expect(Math.abs(d.miSum - cpu.miSum)).toBeLessThan(perToken * d.pmi.length);
    d.pmi.forEach((x, j) => expect(Math.abs(x - cpu.pmi[j])).toBeLessThan(perToken));
  }
});

/** An 8-bit RGB PNG of these pixels. */
function png(w: number, h: number, rgb: (x: number, y: number) => [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 255] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc(h * (1 + 3 * w));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(rgb(x, y), y * (1 + 3 * w) + 1 + 3 * x);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** One colour, small on disk whatever its size. */
const flatPng = (w: number, h: number) => png(w, h, () => [90, 90, 90]);

test('bad images get their message at the image, and the view keeps working', async ({ page }) => {
  await openHub(page);
  const file = page.getByTestId('hub-file');
  await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
  await expect(page.getByTestId('hub-error-image')).toContainText('"notes.txt" is not an image');
  await file.setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('\x89PNG garbage') });
  await expect(page.getByTestId('hub-error-image')).toContainText('"broken.png" could not be decoded as an image');
  await file.setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: flatPng(4200, 4200) });
  await expect(page.getByTestId('hub-error-image')).toContainText('"huge.png" is too large: 4200 x 4200 pixels');
  await file.setInputFiles({ name: 'ok.png', mimeType: 'image/png', buffer: flatPng(40, 30) });
  await expect(page.getByTestId('hub-image')).toContainText('ok.png · 40 x 30');
  await expect(page.getByTestId('hub-error-image')).toHaveCount(0);
});

test('a model that cannot be loaded says why at the model, and a good one loads after it', async ({
  page,
  context,
}) => {
  await openHub(page);
  // each message waits on transformers.js, which can take seconds on a loaded machine
  // The hub, unreachable (this machine is offline; the route makes it so everywhere).
  await context.route('https://huggingface.co/**', (r) => r.abort('internetdisconnected'));
  await page.getByTestId('hub-load').click();
  await expect(page.getByTestId('hub-error-model')).toContainText(
    'offline, or the model id does not exist: HuggingFaceTB/SmolVLM-256M-Instruct',
    { timeout: 30_000 },
  );
  // Hub access switched off.
  await page.getByTestId('hub-allow').uncheck();
  await page.getByTestId('hub-load').click();
  await expect(page.getByTestId('hub-error-model')).toContainText('hub access is off', { timeout: 30_000 });
  // A folder whose server answers a missing file with its HTML page.
  await context.route('**/models/tiny-idefics3/onnx/vision_encoder.onnx', (r) =>
    r.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>app</title>' }),
  );
  await page.getByTestId('hub-model').fill(TINY);
  await page.getByTestId('hub-load').click();
  await expect(page.getByTestId('hub-error-model')).toContainText('is missing a file: onnx/vision_encoder.onnx', {
    timeout: 30_000,
  });
  await context.unroute('**/models/tiny-idefics3/onnx/vision_encoder.onnx');
  // A folder of another architecture.
  await context.route('**/models/other/config.json', (r) =>
    r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ model_type: 'gpt2' }) }),
  );
  await page.getByTestId('hub-model').fill('./models/other/');
  await page.getByTestId('hub-load').click();
  await expect(page.getByTestId('hub-error-model')).toContainText('unsupported architecture: model_type "gpt2"', {
    timeout: 30_000,
  });
  // Nothing else is broken.
  await loadTiny(page);
  await expect(page.getByTestId('hub-error-model')).toHaveCount(0);
});

test('the hub waits for a TinyVLM run that holds the GPU, with the reason', async ({ page }) => {
  // on WebGPU, named in the link: slow enough here to be training still when the hub is asked (50 small steps on
  // wasm end in seconds)
  await page.goto('./' + encodeShare(SMALL, true, 'webgpu'));
  await expect
    .poll(async () => Number(await page.getByTestId('step-counter').textContent()), { timeout: 150_000 })
    .toBeGreaterThanOrEqual(1);
  await page.getByTestId('tab-real-vlm').click();
  await page.getByTestId('hub-model').fill(TINY);
  await page.getByTestId('hub-load').click();
  await expect(page.getByTestId('hub-error-model')).toContainText('a TinyVLM run is training');
  await expect(page.getByTestId('hub-loaded')).toHaveCount(0);
});

test('the settings travel in a share link (not the image); a malformed one says so', async ({ page, context }) => {
  await openHub(page);
  await page.getByTestId('hub-N').fill('5');
  await page.getByTestId('hub-seed').fill('9');
  await page.getByTestId('hub-removal').selectOption('null-image');
  await page.getByTestId('hub-model').fill(TINY);
  await page.getByTestId('hub-scene').click();
  // the address bar follows the settings; "Share settings" gives the same link (checked in the first test)
  const link = page.url();
  expect(link).toContain('#hub=');
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByTestId('real-vlm')).toBeVisible();
  await expect(other.getByTestId('hub-N')).toHaveValue('5');
  await expect(other.getByTestId('hub-seed')).toHaveValue('9');
  await expect(other.getByTestId('hub-removal')).toHaveValue('null-image');
  await expect(other.getByTestId('hub-model')).toHaveValue(TINY);
  await expect(other.getByTestId('hub-image')).toHaveCount(0);
  await other.goto('about:blank');
  await other.goto(new URL('./#hub=%%%not-base64', link).href);
  await expect(other.getByTestId('hub-link-error')).toContainText('not readable');
});
