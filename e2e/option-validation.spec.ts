/**
 * Wrong options are refused at once with BAD_INPUT naming the option, in the page, before any
 * worker work — not accepted and left to misbehave (maxQueueDelayUs: 1e12 used to leave every
 * predict pending) — and the runtime stays usable.
 */
import { expect, openHarness, test } from './fixtures.js';

test('createRuntime and load refuse wrong options with BAD_INPUT naming them', async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const outcome = (error: unknown) => ({
      typed: error instanceof edgeserve.BadInputError,
      code: (error as { code?: string }).code,
      option: (error as { details?: { option?: string } }).details?.option,
      message: (error as Error).message,
    });
    let created: unknown;
    try {
      edgeserve.createRuntime({ backend: 'cuda' as never });
    } catch (error) {
      created = outcome(error);
    }
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'options' });
    const refused = [];
    for (const options of [{ batching: { maxBatchSize: -5 } }, { batching: { maxQueueDelayUs: 1e12 } }, { timeoutMs: -1 }, { precision: 'fp64' as never }]) {
      refused.push(await runtime.load('ocr-cls', options).then(() => ({ code: 'OK' }), outcome));
    }
    const model = await runtime.load('ocr-cls', { batching: { maxBatchSize: 4, maxQueueDelayUs: 1000 } });
    const predicted = await model.predict(inputs.ocrClsInput(), { timeoutMs: 0 }).then(() => ({ code: 'OK' }), outcome);
    const works = Object.keys(await model.predict(inputs.ocrClsInput()));
    runtime.dispose();
    return { created, refused, predicted, works };
  });
  expect(result.created).toMatchObject({ typed: true, code: 'BAD_INPUT', option: 'backend' });
  expect((result.created as { message: string }).message).toMatch(/'cuda' is not one of 'auto', 'webgpu', 'wasm'/);
  expect(result.refused.map((r) => (r as { option?: string }).option)).toEqual(['batching.maxBatchSize', 'batching.maxQueueDelayUs', 'timeoutMs', 'precision']);
  expect(result.refused.every((r) => r.code === 'BAD_INPUT')).toBe(true);
  expect(result.predicted).toMatchObject({ code: 'BAD_INPUT', option: 'timeoutMs' });
  expect(result.works).toEqual(['softmax_0.tmp_0']);
});
