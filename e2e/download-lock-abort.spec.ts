/**
 * Two tabs, one model being downloaded by the first: the second waits for the first's download
 * lock (so it finds the model stored instead of downloading it again). Aborted while it waits,
 * its load rejects at once — and its worker stops too: it does not go on, once the first tab
 * has stored the model, to open a session nobody asked for any more.
 */
import type { Runtime } from '../src/index.js';
import { expect, openHarness, test } from './fixtures.js';

declare global {
  interface Window {
    waiting?: Runtime;
  }
}

test("an aborted load stops waiting for another tab's download at once", async ({ context }) => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let downloading!: () => void;
  const started = new Promise<void>((resolve) => (downloading = resolve));
  await context.route('**/models/ocr-rec/**/*.onnx', async (route) => {
    downloading();
    await held;
    await route.continue().catch(() => undefined);
  });
  const [a, b] = [await context.newPage(), await context.newPage()];
  await Promise.all([openHarness(a), openHarness(b)]);
  const first = a.evaluate(async () => {
    const runtime = window.harness.edgeserve.createRuntime({ backend: 'wasm', storeName: 'lock-abort' });
    const model = await runtime.load('ocr-rec');
    return model.info().fromCache;
  });
  await started; // the first tab holds the download lock now

  const second = await b.evaluate(async () => {
    const runtime = (window.waiting = window.harness.edgeserve.createRuntime({ backend: 'wasm', storeName: 'lock-abort' }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const t0 = performance.now();
    const code = await runtime.load('ocr-rec', { signal: controller.signal }).then(
      () => 'loaded',
      (e: unknown) => (e as { code?: string }).code,
    );
    return { code, ms: performance.now() - t0 };
  });
  expect(second.code).toBe('ABORTED');

  release();
  expect(await first).toBe(false);
  // Time for a worker still queued on the lock to take it, find the model stored and open it.
  await b.waitForTimeout(4_000);
  const opened = await b.evaluate(async () => {
    const m = (await window.waiting!.metrics()).models.find((x) => x.model === 'ocr-rec');
    return m ? m.cacheHits + m.cacheMisses : 0;
  });
  expect(opened).toBe(0);
});
