/**
 * With batching off (the WASM default) the worker still yields between runs: predicts aborted
 * on the page while queued are never computed, and `metrics()` is answered within about one
 * run's time instead of after the whole queue.
 */
import { expect, openHarness, test } from './fixtures.js';

test('aborted queued predicts are never computed, and the next call does not wait for them', async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'yields' });
    const model = await runtime.load('ocr-rec', { batching: false });
    const input = inputs.ocrRecInput();
    const fresh = () => ({ x: { ...input.x!, data: (input.x!.data as Float32Array).slice() } });
    await model.predict(fresh());
    let t = performance.now();
    await model.predict(fresh());
    const oneRunMs = performance.now() - t;
    const computed = async () => (await runtime.metrics()).models.find((m) => m.model === 'ocr-rec')!.computeSeconds.count;
    const computedBefore = await computed();
    // A run ~8× as long holds the engine while the page posts the 30 calls and their cancels:
    // with the ordinary input, a CI machine whose two cores the run's threads kept busy once
    // delivered the cancels only after that run, and a queued call had rightly started.
    const blocker = model.predict(inputs.ocrRecInput(undefined, 480 * 8));
    const controller = new AbortController();
    const queued = Array.from({ length: 30 }, () =>
      model.predict(fresh(), { signal: controller.signal }).then(
        () => 'OK',
        (e: { code: string }) => e.code,
      ),
    );
    controller.abort();
    const codes = [...new Set(await Promise.all(queued))];
    t = performance.now();
    await blocker;
    const blockerLeftMs = performance.now() - t;
    t = performance.now();
    await model.predict(fresh());
    const nextCallMs = performance.now() - t;
    const computedByQueue = (await computed()) - computedBefore - 2;
    runtime.dispose();
    return { codes, computedByQueue, oneRunMs, blockerLeftMs, nextCallMs };
  });
  console.log(
    `one run ${result.oneRunMs.toFixed(0)} ms; the long run ended ${result.blockerLeftMs.toFixed(0)} ms after the aborts; next call after the aborted queue ${result.nextCallMs.toFixed(0)} ms; aborted calls computed: ${result.computedByQueue}`,
  );
  expect(result.codes).toEqual(['ABORTED']);
  expect(result.computedByQueue).toBe(0);
  // Not behind the thirty aborted calls (2 s of room for a loaded machine: the count above is what
  // says none was computed).
  expect(result.nextCallMs).toBeLessThan(result.oneRunMs * 5 + 2000);
});

test('metrics() answers within about one run while predicts are queued', async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'yields-metrics' });
    const model = await runtime.load('ocr-rec', { batching: false });
    const input = inputs.ocrRecInput();
    const fresh = () => ({ x: { ...input.x!, data: (input.x!.data as Float32Array).slice() } });
    await model.predict(fresh());
    const computed = (m: import('../src/index.js').MetricsSnapshot) => m.models.find((x) => x.model === 'ocr-rec')!.computeSeconds.count;
    const before = computed(await runtime.metrics());
    const started = performance.now();
    const queued = Array.from({ length: 12 }, () => model.predict(fresh()));
    const snapshot = await runtime.metrics();
    const metricsMs = performance.now() - started;
    await Promise.all(queued);
    const queueMs = performance.now() - started;
    runtime.dispose();
    return { metricsMs, queueMs, runsBeforeAnswer: computed(snapshot) - before };
  });
  console.log(`metrics() answered after ${result.metricsMs.toFixed(0)} ms and ${result.runsBeforeAnswer} runs; the 12 queued predicts took ${result.queueMs.toFixed(0)} ms`);
  // Between the first runs of the twelve, not after the queue: counted in runs, not timed (one
  // slow run on a loaded machine stretches a time ratio).
  expect(result.runsBeforeAnswer).toBeLessThanOrEqual(2);
});
