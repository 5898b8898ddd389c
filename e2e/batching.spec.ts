/**
 * Micro-batching: concurrent calls on a batchable model are merged into fewer engine runs and
 * give the same outputs as single calls; a bad call among them fails alone; stateful models
 * (silero-vad: its state batches on axis 1) and opted-out models do not batch.
 */
import { expect, openHarness, test } from './fixtures.js';

test('eight concurrent calls equal eight single calls, in fewer runs', async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'batching' });
    const feed = (i: number) => inputs.ocrClsInput(i % 2 === 1);
    const single = await runtime.load('ocr-cls', { batching: false });
    const singles: number[][] = [];
    for (let i = 0; i < 8; i++) singles.push([...((await single.predict(feed(i)))['softmax_0.tmp_0']!.data as Float32Array)]);
    const batched = await runtime.load('ocr-cls', { batching: { maxBatchSize: 8, maxQueueDelayUs: 5000 } });
    const bad = { x: edgeserve.tensor('float32', new Float32Array(10), [1, 10]) };
    const outcomes = await Promise.allSettled([...Array.from({ length: 8 }, (_, i) => batched.predict(feed(i))), batched.predict(bad)]);
    const merged = outcomes.slice(0, 8).map((o) => (o.status === 'fulfilled' ? [...(o.value['softmax_0.tmp_0']!.data as Float32Array)] : []));
    const badCode = outcomes[8]!.status === 'rejected' ? (outcomes[8]!.reason as { code: string }).code : 'OK';
    const metrics = (await runtime.metrics()).models.find((m) => m.model === 'ocr-cls')!;
    const vad = await runtime.load('silero-vad');
    runtime.dispose();
    return { singles, merged, badCode, batchSizes: metrics.batchSize, singleInfo: single.info().batching, batchedInfo: batched.info().batching, vad: vad.info().batching };
  });
  expect(result.singleInfo.enabled).toBe(false);
  expect(result.batchedInfo).toEqual({ enabled: true, maxBatchSize: 8, maxQueueDelayUs: 5000 });
  expect(result.vad.enabled).toBe(false);
  expect(result.badCode).toBe('BAD_INPUT');
  const maxDiff = Math.max(...result.merged.flatMap((row, i) => row.map((v, j) => Math.abs(v - result.singles[i]![j]!))));
  expect(result.merged.every((row) => row.length === 2)).toBe(true);
  expect(maxDiff).toBeLessThan(1e-5);
  // 8 single runs + the batched calls in fewer runs than calls.
  const runs = result.batchSizes.count;
  expect(runs).toBeGreaterThan(8);
  expect(runs).toBeLessThan(16);
  expect(result.batchSizes.cumulative.at(-1)).toBe(runs);
});

test('with no queue delay, calls sent together are merged; on WASM batching is opt-in', async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'batching-default' });
    const byDefault = await runtime.load('ocr-cls');
    const model = await runtime.load('ocr-cls', { batching: {} });
    await Promise.all(Array.from({ length: 8 }, (_, i) => model.predict(inputs.ocrClsInput(i % 2 === 1))));
    const metrics = (await runtime.metrics()).models.find((m) => m.model === 'ocr-cls')!;
    runtime.dispose();
    return { byDefault: byDefault.info().batching.enabled, policy: model.info().batching, runs: metrics.batchSize.count, calls: metrics.calls };
  });
  expect(result.byDefault).toBe(false);
  expect(result.policy).toEqual({ enabled: true, maxBatchSize: 8, maxQueueDelayUs: 0 });
  expect(result.calls).toBe(8);
  // The first call runs alone at once; the ones that arrived meanwhile share the next runs.
  expect(result.runs).toBeLessThan(8);
});
