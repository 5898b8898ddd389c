/** Aborts and time limits reject that call cleanly, free what it held, and leave the model and store usable. */
import { expect, openHarness, test } from './fixtures.js';

test('predict: aborted, and timed out while queued, then the model goes on', async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'cancel' });
    const model = await runtime.load('ocr-rec', { batching: false });
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'OK',
        (e: { code: string }) => e.code,
      );
    const controller = new AbortController();
    controller.abort();
    const preAborted = await code(model.predict(inputs.ocrRecInput(), { signal: controller.signal }));
    // Four calls queue behind each other; the last may wait 1 ms only.
    const queued = [0, 1, 2].map(() => code(model.predict(inputs.ocrRecInput())));
    const timedOut = await code(model.predict(inputs.ocrRecInput(), { timeoutMs: 1 }));
    const others = await Promise.all(queued);
    const after = await code(model.predict(inputs.ocrRecInput()));
    runtime.dispose();
    return { preAborted, timedOut, others, after };
  });
  expect(result).toEqual({ preAborted: 'ABORTED', timedOut: 'TIMEOUT', others: ['OK', 'OK', 'OK'], after: 'OK' });
});

test('load: aborted during the download stores nothing, and the next load works', async ({ context, page }) => {
  // Hold the model response so the abort lands mid-download.
  await context.route('**/models/ocr-rec/**/*.onnx', async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue().catch(() => undefined);
  });
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'cancel-load' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const code = await runtime.load('ocr-rec', { signal: controller.signal }).then(
      () => 'OK',
      (e: { code: string }) => e.code,
    );
    await new Promise((r) => setTimeout(r, 2000));
    const cached = (await runtime.cache.list()).length;
    const again = await runtime.load('ocr-rec');
    runtime.dispose();
    return { code, cached, again: again.info().fromCache };
  });
  expect(result).toEqual({ code: 'ABORTED', cached: 0, again: false });
});
