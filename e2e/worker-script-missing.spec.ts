/**
 * A runtime worker whose script the server does not have is reported as a worker that did not
 * start (WORKER_START_FAILED), naming the script's URL and status when the factory says where
 * it is — not as a crash that "may have run out of memory".
 */
import { expect, openHarness, test } from './fixtures.js';

test('a worker script answering 404 is named with its URL and status', async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve } = window.harness;
    const scriptUrl = new URL('/lib/runtime.worker-missing.js', location.href).href;
    const workerFactory = Object.assign((name: string) => new Worker(scriptUrl, { type: 'module', name }), { scriptUrl });
    const runtime = edgeserve.createRuntime({ backend: 'wasm', workerFactory });
    try {
      await runtime.load('ocr-cls');
      return undefined;
    } catch (e) {
      const err = e as InstanceType<typeof edgeserve.EdgeServeError>;
      return { ...edgeserve.explainError(err, true), code: err.code, name: err.name, message: err.message, details: err.details, scriptUrl };
    } finally {
      runtime.dispose();
    }
  });
  expect(result).toMatchObject({ code: 'WORKER_START_FAILED', name: 'WorkerStartFailedError', details: { status: 404 }, title: 'The model worker could not start' });
  expect(result!.message).toContain(`${result!.scriptUrl} could not be loaded: HTTP 404`);
  expect(result!.hint).not.toMatch(/memory/);
});

test('the default worker, its script gone, is reported as not started rather than out of memory', async ({ page, context }) => {
  await context.route(/\/assets\/runtime\.worker-[^/]+\.js$/, (route) => route.fulfill({ status: 404, body: '' }));
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm' });
    const error = await runtime.load('ocr-cls').then(
      () => undefined,
      (e: InstanceType<typeof edgeserve.EdgeServeError>) => ({ code: e.code, message: e.message }),
    );
    runtime.dispose();
    return error;
  });
  expect(result?.code).toBe('WORKER_START_FAILED');
});
