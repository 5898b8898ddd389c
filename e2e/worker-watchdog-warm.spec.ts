/**
 * With the default watchdog, a worker stuck after a model's warm-up is replaced within 5 s (plus slack):
 * the 60 s floor covers only a model's first run on a worker (shader compilation, first
 * allocations); after it the model's own history bounds a run (at least 5 s). The test worker
 * busy-loops in the run of a marked input, as a wedged engine run would.
 *
 * The bound comes from the warm run's time, which a loaded machine stretches (CI's two busy cores
 * once made it over a second, a 20 s bound): the spec times that run on the page — the watchdog's
 * own reading is within it — and expects the replacement within the bound it implies, which
 * must still be well under the 60 s floor for the test to tell the two apart.
 */
import type { Model, Runtime } from '../src/index.js';
import { expect, openHarness, test } from './fixtures.js';
import { engineCopiesWritten } from './real-profile.js';

test('a worker stuck after warm-up is replaced within its warm bound, not the 60 s first-run floor, with the default watchdog', async ({ page }) => {
  test.setTimeout(180_000);
  await openHarness(page);
  await page.evaluate(async () => {
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
    Object.assign(window, { warmTest: { runtime, model, workers } });
  });
  // The first visit's device copy of the engine's .wasm (downloaded again in this private
  // window, then hashed) is written once the worker pauses: not beside the timed warm run.
  await engineCopiesWritten(page, ['.wasm']);
  const result = await page.evaluate(async () => {
    const { inputs } = window.harness;
    const { runtime, model, workers } = (window as unknown as { warmTest: { runtime: Runtime; model: Model; workers: Worker[] } }).warmTest;
    const warmStarted = performance.now();
    await model.predict(inputs.ocrClsInput());
    const warmMs = performance.now() - warmStarted;
    const spin = inputs.ocrClsInput();
    (spin.x!.data as Float32Array)[0] = -7777;
    const started = performance.now();
    const outcome = await Promise.race([
      model.predict(spin).then(
        () => 'OK',
        (e: { code?: string }) => e.code ?? String(e),
      ),
      new Promise<string>((resolve) => setTimeout(() => resolve('STILL_PENDING'), 70_000)),
    ]);
    const rejectedAfterMs = performance.now() - started;
    const after = await model.predict(inputs.ocrClsInput()).then(
      () => 'OK',
      (e: { code?: string }) => e.code ?? String(e),
    );
    runtime.dispose();
    return { outcome, rejectedAfterMs, warmMs, after, workers: workers.length };
  });
  // The default warm bound: 20 × the slowest warm run, at least 5 s.
  const boundMs = Math.max(5000, 20 * result.warmMs);
  console.log(`warm run ${result.warmMs.toFixed(0)} ms (bound ${(boundMs / 1000).toFixed(1)} s); the stuck run rejected after ${(result.rejectedAfterMs / 1000).toFixed(1)} s`);
  expect(boundMs, 'a warm run this slow leaves the warm bound too near the 60 s floor to tell them apart').toBeLessThan(40_000);
  expect(result.outcome).toBe('WORKER_STUCK');
  // A ping a second and a loaded machine's timers get room; the 60 s first-run floor would not fit.
  expect(result.rejectedAfterMs).toBeLessThan(boundMs + 5000);
  expect(result).toMatchObject({ after: 'OK', workers: 2 });
});
