/**
 * A worker that dies rejects every pending call with WORKER_CRASHED (no hang), and the next
 * call starts a new worker, loads the model there again from IndexedDB, and succeeds.
 */
import { expect, openHarness, test } from './fixtures.js';

type CrashState = { crash: { runtime: import('../src/index.js').Runtime; model: import('../src/index.js').Model; workers: Worker[] } };

test.beforeEach(async ({ page }) => {
  await openHarness(page);
  await page.evaluate(async () => {
    const { edgeserve, defaultWorkerFactory } = window.harness;
    const workers: Worker[] = [];
    // The factory only records the worker it starts, so the test can kill it as the browser would.
    const runtime = edgeserve.createRuntime({
      backend: 'wasm',
      storeName: 'crash',
      workerFactory: (name) => {
        const worker = defaultWorkerFactory(name);
        workers.push(worker);
        return worker;
      },
    });
    const model = await runtime.load('ocr-rec');
    Object.assign(window, { crash: { runtime, model, workers } });
  });
});

async function readsAgain(page: import('@playwright/test').Page) {
  return page.evaluate(async () => {
    const { inputs, ctcDecode } = window.harness;
    const { runtime, model, workers } = (window as unknown as CrashState).crash;
    const labels = (await runtime.manifest()).models.find((m) => m.id === 'ocr-rec')!.labels!;
    const out = (await model.predict(inputs.ocrRecInput()))['softmax_11.tmp_0']!;
    const info = model.info();
    runtime.dispose();
    return { text: ctcDecode(out.data as Float32Array, out.dims, labels).trim(), fromCache: info.fromCache, workers: workers.length };
  });
}

test('a terminated worker rejects all pending calls and the runtime recovers', async ({ page }) => {
  const outcomes = await page.evaluate(async () => {
    const { inputs } = window.harness;
    const { model, workers } = (window as unknown as CrashState).crash;
    const pending = Array.from({ length: 8 }, () =>
      model.predict(inputs.ocrRecInput()).then(
        () => 'OK',
        (e: { code: string }) => e.code,
      ),
    );
    workers[0]!.terminate();
    return Promise.all(pending);
  });
  expect(outcomes).toEqual(Array(8).fill('WORKER_CRASHED'));
  expect(await readsAgain(page)).toEqual({ text: 'Hello edgeserve 2026', fromCache: true, workers: 2 });
});

test('a worker that ends itself is noticed: calls reject, then the runtime recovers', async ({ page }) => {
  const worker = page.workers().find((w) => w.url().includes('runtime.worker'));
  expect(worker, 'the runtime worker is visible to Playwright').toBeDefined();
  // From the inside, as a crash would: no message and no error event reach the page.
  await worker!.evaluate(() => (self as unknown as { close(): void }).close()).catch(() => undefined);
  const first = await page.evaluate(async () => {
    const { inputs } = window.harness;
    const { model } = (window as unknown as CrashState).crash;
    return model.predict(inputs.ocrRecInput()).then(
      () => 'OK',
      (e: { code: string }) => e.code,
    );
  });
  // The death may be noticed before this call (then it simply runs on a new worker) or during it.
  expect(['OK', 'WORKER_CRASHED']).toContain(first);
  expect(await readsAgain(page)).toEqual({ text: 'Hello edgeserve 2026', fromCache: true, workers: 2 });
});
