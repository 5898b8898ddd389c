/**
 * A worker stuck in a run (here: an engine that busy-loops on a marked input) is noticed by the
 * page's watchdog: every pending call rejects with WORKER_STUCK, the worker is terminated and
 * replaced, and the next predict loads the model again from IndexedDB and answers correctly.
 */
import { expect, openHarness, test } from './fixtures.js';

test('a worker spinning in a run is replaced: pending calls reject with WORKER_STUCK and the next predict works', async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs, spinWorkerFactory } = window.harness;
    const workers: Worker[] = [];
    const runtime = edgeserve.createRuntime({
      backend: 'wasm',
      storeName: 'watchdog',
      watchdog: { floorMs: 2000, runMultiple: 10 },
      workerFactory: (name) => {
        const worker = spinWorkerFactory(name);
        workers.push(worker);
        return worker;
      },
    });
    const model = await runtime.load('ocr-cls');
    const scores = (out: import('../src/index.js').TensorMap) => [...(Object.values(out)[0]!.data as Float32Array)].map((v) => v.toFixed(4));
    const before = scores(await model.predict(inputs.ocrClsInput()));
    const spin = inputs.ocrClsInput();
    (spin.x!.data as Float32Array)[0] = -7777;
    const started = performance.now();
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'OK',
        (e: { code?: string }) => e.code ?? String(e),
      );
    const pending = [code(model.predict(spin)), ...Array.from({ length: 40 }, () => code(model.predict(inputs.ocrClsInput())))];
    // Asked once the spinning run is under way (the host answers metrics() between runs): a
    // second in, half the 2 s bound, so a busy machine's late start of that run still has begun.
    const metricsCall = new Promise((resolve) => setTimeout(resolve, 1000)).then(() => code(runtime.metrics()));
    const outcomes = await Promise.all(pending);
    const rejectedAfterMs = performance.now() - started;
    const after = scores(await model.predict(inputs.ocrClsInput()));
    const info = model.info();
    const metrics = await runtime.metrics();
    runtime.dispose();
    return {
      outcomes: [...new Set(outcomes)],
      metricsCall: await metricsCall,
      rejectedAfterMs,
      workers: workers.length,
      sameScores: JSON.stringify(before) === JSON.stringify(after),
      fromCache: info.fromCache,
      stuckCounted: metrics.models.find((m) => m.model === 'ocr-cls')?.errors.WORKER_STUCK ?? 0,
    };
  });
  expect(result.outcomes).toEqual(['WORKER_STUCK']);
  expect(result.metricsCall).toBe('WORKER_STUCK');
  // The bound is 2 s here; the timer's own slack and a loaded machine get generous room.
  expect(result.rejectedAfterMs).toBeLessThan(10_000);
  expect(result).toMatchObject({ workers: 2, sameScores: true, fromCache: true, stuckCounted: 41 });
});
