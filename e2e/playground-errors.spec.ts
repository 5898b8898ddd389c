/** What a person sees when things go wrong in the playground: a clear message chosen by error code, never a blank page. */
import { chromium } from '@playwright/test';
import { expect, test } from './fixtures.js';

const alert = '#error';

test('a model file missing on the server', async ({ page }) => {
  await page.route('**/models/ocr-cls/**', (route) => route.fulfill({ status: 404, body: 'not here' }));
  await page.goto('/demo/?model=ocr-cls&backend=wasm&runs=1');
  await expect(page.locator(alert)).toBeVisible();
  await expect(page.locator(alert)).toHaveAttribute('data-code', 'DOWNLOAD_FAILED');
  await expect(page.locator('#error-title')).toHaveText('The model file is missing on the server');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'error');
});

test('offline on the first visit: the model was never downloaded', async ({ page, context }) => {
  await page.goto('/demo/?model=ocr-cls&backend=wasm&runs=1&autorun=0');
  await expect(page.locator('#status')).toHaveText('Ready.');
  await context.setOffline(true);
  await page.click('#run');
  await expect(page.locator('#error-title')).toHaveText('You are offline');
  await expect(page.locator('#error-hint')).toContainText('Connect once to download it');
  await page.screenshot({ path: test.info().outputPath('offline-first-visit.png') });
});

test('storage full: the model runs from memory and the page says it could not be kept', async ({ page, baseURL }) => {
  // A real quota, far below the model's 0.6 MB: IndexedDB itself refuses the write.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin, quotaSize: 50_000 });
  await page.goto('/demo/?model=ocr-cls&backend=wasm&runs=1');
  await expect(page.getByText(/^Storage is full or blocked/).first()).toBeVisible({ timeout: 60_000 });
  await page.screenshot({ path: test.info().outputPath('storage-full.png') });
});

test('no WebGPU in the browser: asked for WebGPU, it runs on WASM and says why', async () => {
  // A browser launched without the project's WebGPU flags, on the same executable.
  const { executablePath, args = [] } = test.info().project.use.launchOptions ?? {};
  const plain = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: args.filter((a) => !/webgpu/.test(a)) });
  try {
    const page = await plain.newPage({ baseURL: test.info().project.use.baseURL! });
    await page.goto('/demo/?model=ocr-cls&backend=webgpu&runs=1');
    await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    const fp32 = page.locator('.variant[data-precision="fp32"]');
    await expect(fp32.locator('.ran li')).toHaveText([/onnx on WASM/]);
    await expect(fp32.locator('.note')).toHaveText(/^Not on WebGPU: /);
  } finally {
    await plain.close();
  }
});
