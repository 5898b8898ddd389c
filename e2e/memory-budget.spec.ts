/**
 * An input whose run would exceed the runtime's memory budget is refused with BAD_INPUT before
 * it reaches the engine (a text line 200 000 px wide ran 31 s without it, and out-of-memory in a
 * worker takes Chromium's whole tab down); the model goes on serving.
 */
import { expect, openHarness, test } from './fixtures.js';

test('a huge input is refused with BAD_INPUT at once, and the model goes on', async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'memory-budget' });
    const model = await runtime.load('ocr-rec', { batching: false });
    const width = 200_000;
    const huge = { x: edgeserve.tensor('float32', new Float32Array(3 * 48 * width), [1, 3, 48, width]) };
    const started = performance.now();
    const error = await model.predict(huge).then(
      () => undefined,
      (e: { code: string; message: string; details?: Record<string, unknown> }) => ({ code: e.code, message: e.message, details: e.details }),
    );
    const refusedMs = performance.now() - started;
    const after = Object.keys(await model.predict(inputs.ocrRecInput()));
    const metrics = await runtime.metrics();
    runtime.dispose();
    return { error, refusedMs, after, computed: metrics.models.find((m) => m.model === 'ocr-rec')!.computeSeconds.count };
  });
  expect(result.error?.code).toBe('BAD_INPUT');
  expect(result.error?.message).toMatch(/memory budget/);
  expect(result.error?.details).toMatchObject({ budgetBytes: 1024 ** 3 });
  expect(result.refusedMs).toBeLessThan(5_000);
  expect(result.after).toEqual(['softmax_11.tmp_0']);
  // Only the ordinary call reached the engine.
  expect(result.computed).toBe(1);
});
