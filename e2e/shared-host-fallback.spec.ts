/**
 * Where SharedWorker does not exist (Chrome on Android, some WebViews), host: 'shared' runs the
 * page's own worker with no change in the page's code, and info() says so and why. On a cross-
 * origin isolated page (the harness), 'auto' keeps the page's own worker for its WASM threads.
 */
import { expect, openHarness, test } from './fixtures.js';

test("runs the page's own worker where SharedWorker is missing, and says why", async ({ page }) => {
  await page.addInitScript(() => {
    delete (window as { SharedWorker?: unknown }).SharedWorker;
  });
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ host: 'shared', backend: 'wasm', storeName: 'shared-fallback' });
    const model = await runtime.load('ocr-cls');
    const out = (await model.predict(inputs.ocrClsInput(false)))['softmax_0.tmp_0']!;
    const info = await runtime.info();
    runtime.dispose();
    return { info, upright: (out.data as Float32Array)[0]!, threads: model.info().wasmThreads };
  });
  expect(result.info).toEqual({ host: 'page', reason: expect.stringMatching(/SharedWorker is not available/) });
  expect(result.upright).toBeGreaterThan(0.9);
  // The page's own worker on a cross-origin isolated page: threads.
  expect(result.threads).toBeGreaterThan(1);
});

test("'auto' keeps the page's own worker on a cross-origin isolated page", async ({ page }) => {
  await openHarness(page);
  const info = await page.evaluate(async () => {
    const runtime = window.harness.edgeserve.createRuntime({ storeName: 'shared-auto' });
    const info = await runtime.info();
    runtime.dispose();
    return info;
  });
  expect(info).toEqual({ host: 'page', reason: expect.stringMatching(/cross-origin isolated/) });
});
