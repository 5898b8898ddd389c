/**
 * With the default watchdog, a worker stuck after a model's warm-up is replaced within 10 s:
 * the 60 s floor covers only a model's first run on a worker (shader compilation, first
 * allocations); after it the model's own history bounds a run (at least 5 s). The test worker
 * busy-loops in the run of a marked input, as a wedged engine run would.
 */
import { expect, openHarness, test } from './fixtures.js';

test('a worker stuck after warm-up is replaced within 10 s with the default watchdog', async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs, spinWorkerFactory } = window.harness;
    const workers: Worker[] = [];
    const runtime = edgeserve.createRuntime({
      backend: 'wasm',
      storeName: 'watchdog-warm',
      workerFactory: (name) => {
        const worker = spinWorkerFactory(name);
        workers.push(worker);
        return worker;
      },
    });
    const model = await runtime.load('ocr-cls');
    await model.predict(inputs.ocrClsInput());
    await model.predict(inputs.ocrClsInput());
    const spin = inputs.ocrClsInput();
    (spin.x!.data as Float32Array)[0] = -7777;
    const started = performance.now();
    const outcome = await Promise.race([
      model.predict(spin).then(
        () => 'OK',
        (e: { code?: string }) => e.code ?? String(e),
      ),
      new Promise<string>((resolve) => setTimeout(() => resolve('STILL_PENDING'), 20_000)),
    ]);
    const rejectedAfterMs = performance.now() - started;
    const after = await model.predict(inputs.ocrClsInput()).then(
      () => 'OK',
      (e: { code?: string }) => e.code ?? String(e),
    );
    runtime.dispose();
    return { outcome, rejectedAfterMs, after, workers: workers.length };
  });
  expect(result.outcome).toBe('WORKER_STUCK');
  expect(result.rejectedAfterMs).toBeLessThan(10_000);
  expect(result).toMatchObject({ after: 'OK', workers: 2 });
});
