/** A download that fails or is cut off rejects with DOWNLOAD_FAILED and stores nothing. */
import { expect, openHarness, test } from './fixtures.js';
import { readFile } from 'node:fs/promises';

const MODEL = '**/models/ocr-cls/**/*.onnx';

async function loadOutcome(page: import('@playwright/test').Page) {
  return page.evaluate(async () => {
    const { edgeserve } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'download-failure' });
    await runtime.cache.clear();
    const progress: number[] = [];
    try {
      await runtime.load('ocr-cls', { onProgress: (p) => p.phase === 'download' && progress.push(p.loaded) });
      return { code: 'OK', cached: 0, progress };
    } catch (error) {
      return {
        code: (error as InstanceType<typeof edgeserve.EdgeServeError>).code,
        typed: error instanceof edgeserve.DownloadFailedError,
        cached: (await runtime.cache.list()).length,
        progress,
      };
    } finally {
      runtime.dispose();
    }
  });
}

test('an HTTP error stores nothing', async ({ context, page }) => {
  await context.route(MODEL, (route) => route.fulfill({ status: 503, body: 'busy' }));
  await openHarness(page);
  expect(await loadOutcome(page)).toMatchObject({ code: 'DOWNLOAD_FAILED', typed: true, cached: 0 });
});

test('a connection reset stores nothing', async ({ context, page }) => {
  await context.route(MODEL, (route) => route.abort('connectionreset'));
  await openHarness(page);
  expect(await loadOutcome(page)).toMatchObject({ code: 'DOWNLOAD_FAILED', typed: true, cached: 0 });
});

test('a download that ends half way stores nothing', async ({ context, page }) => {
  const real = await readFile(new URL('../public/models/ocr-cls/1.0.0/ch_ppocr_mobile_v2.0_cls_infer.onnx', import.meta.url));
  await context.route(MODEL, (route) => route.fulfill({ body: real.subarray(0, real.length >> 1) }));
  await openHarness(page);
  const outcome = await loadOutcome(page);
  expect(outcome).toMatchObject({ code: 'DOWNLOAD_FAILED', typed: true, cached: 0 });
  // Progress was reported up to the cut.
  expect(Math.max(...outcome.progress)).toBe(real.length >> 1);
});

test('a load with progress reports bytes up to the total', async ({ page }) => {
  await openHarness(page);
  const outcome = await loadOutcome(page);
  expect(outcome.code).toBe('OK');
  expect(outcome.progress.at(-1)).toBe(578966);
  expect(outcome.progress).toEqual([...outcome.progress].sort((a, b) => a - b));
});
