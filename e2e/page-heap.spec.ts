/**
 * Calling predict does not grow the page's memory: the page heap after a forced GC is the same
 * before and after thousands of calls (a VAD calls ~31 times a second, for hours). A per-call
 * reaction left on a promise that never settles (a race against the worker's death) grew it by
 * about 250 bytes a call.
 */
import { expect, openHarness, test } from './fixtures.js';

const CALLS = 2000;

test(`page heap does not grow over ${CALLS} predicts`, async ({ page }) => {
  test.setTimeout(240_000);
  await openHarness(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  const heapAfterGc = async () => {
    // Twice, with a pause between: finalizers and weak cells are cleared by a task after a GC.
    await cdp.send('HeapProfiler.collectGarbage');
    await page.waitForTimeout(200);
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  await page.evaluate(async () => {
    const { edgeserve } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'page-heap' });
    const model = await runtime.load('silero-vad');
    Object.assign(window, { heapTest: { runtime, model } });
  });
  const calls = (n: number) =>
    page.evaluate(async (n) => {
      const { inputs } = window.harness;
      const { model } = (window as unknown as { heapTest: { model: import('../src/index.js').Model } }).heapTest;
      let state: Float32Array = new Float32Array(2 * 128);
      for (let i = 0; i < n; i++) {
        const out = await model.predict(inputs.sileroInput(i, state));
        state = out.stateN!.data as Float32Array;
      }
    }, n);
  // Warm-up: lazy code paths, JIT tiers and caches settle first. They grow the heap by about
  // 70 KB once, over the first two thousand calls (35 bytes a call over those, 0.3–2 over the
  // next): the calls measured come after them, so a loaded machine's later tier-up is not
  // counted as growth.
  await calls(300);
  const first = await heapAfterGc();
  await calls(CALLS);
  const before = await heapAfterGc();
  await calls(CALLS);
  const after = await heapAfterGc();
  const perCall = (after - before) / CALLS;
  console.log(`page heap: ${first} → ${before} → ${after} bytes after GC over 2 × ${CALLS} predicts (${perCall.toFixed(1)} bytes a call in the second)`);
  await page.evaluate(() => (window as unknown as { heapTest: { runtime: import('../src/index.js').Runtime } }).heapTest.runtime.dispose());
  expect(perCall).toBeLessThan(50);
});
