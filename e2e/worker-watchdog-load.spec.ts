/**
 * A load is watched for liveness, not duration: a worker wedged inside session creation (the
 * test worker busy-loops in ocr-det's) is replaced and the load rejects with WORKER_STUCK, while
 * a load that takes twice the bound but whose worker stays alive (a slow download)
 * completes. Real worker, real engines, real IndexedDB; only the network is slowed.
 */
import { expect, openHarness, test } from './fixtures.js';

// The slow load is silero-vad (2 MB): its session creation, which blocks the worker's event loop,
// stays far inside the bound on a busy machine (ocr-rec's 10.8 MB once came near it).
const BOUND_MS = 3000;
const SLOW_DOWNLOAD_MS = 2 * BOUND_MS;

test('a load wedged in session creation rejects with WORKER_STUCK and the worker is replaced; a slow but live load completes', async ({ page, context }) => {
  await openHarness(page);
  // Routed on the context: the worker's requests go through it.
  await context.route('**/models/silero-vad/**/*.onnx', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, SLOW_DOWNLOAD_MS));
    await route.continue().catch(() => undefined);
  });
  const result = await page.evaluate(
    async ({ boundMs }) => {
      const { edgeserve, inputs, spinWorkerFactory } = window.harness;
      const workers: Worker[] = [];
      const runtime = edgeserve.createRuntime({
        backend: 'wasm',
        storeName: 'watchdog-load',
        watchdog: { floorMs: boundMs, loadFloorMs: boundMs },
        workerFactory: (name) => {
          const worker = spinWorkerFactory(name);
          workers.push(worker);
          return worker;
        },
      });
      const code = (p: Promise<unknown>) =>
        p.then(
          () => 'OK',
          (e: { code?: string; message?: string }) => e.code ?? String(e),
        );
      const cls = await runtime.load('ocr-cls');
      let t0 = performance.now();
      const slow = await code(runtime.load('silero-vad'));
      const slowMs = performance.now() - t0;
      t0 = performance.now();
      let message = '';
      const wedged = await Promise.race([
        runtime.load('ocr-det').then(
          () => 'OK',
          (e: { code?: string; message: string }) => ((message = e.message), e.code ?? String(e)),
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve('STILL_PENDING'), 8 * boundMs)),
      ]);
      const wedgedMs = performance.now() - t0;
      // The next call starts a new worker, which loads ocr-cls again from IndexedDB and answers.
      const after = await code(cls.predict(inputs.ocrClsInput()));
      runtime.dispose();
      return { slow, slowMs, wedged, wedgedMs, message, after, workers: workers.length, fromCache: cls.info().fromCache };
    },
    { boundMs: BOUND_MS },
  );
  expect(result.slow).toBe('OK');
  expect(result.slowMs).toBeGreaterThan(SLOW_DOWNLOAD_MS);
  expect(result.wedged).toBe('WORKER_STUCK');
  expect(result.message).toMatch(/no ping .* while loading "ocr-det"/);
  // Bound 3 s, a ping a second; a loaded machine gets room.
  expect(result.wedgedMs).toBeLessThan(4 * BOUND_MS);
  expect(result).toMatchObject({ after: 'OK', workers: 2, fromCache: true });
});
