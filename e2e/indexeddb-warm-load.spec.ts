/**
 * The second load — in a new page, so a new worker — comes from IndexedDB with no network
 * request for the model. The first load's request is watched the same way, which proves the
 * watcher sees the worker's requests at all.
 */
import { expect, openHarness, test } from './fixtures.js';

test('a second load in a new page makes no model request', async ({ context }) => {
  const modelRequests: string[] = [];
  context.on('request', (request) => {
    if (/\/models\/.+\.(onnx|bin|json)$/.test(new URL(request.url()).pathname) && !request.url().endsWith('manifest.json')) {
      modelRequests.push(request.url());
    }
  });

  const first = await context.newPage();
  await openHarness(first);
  const cold = await first.evaluate(async () => {
    const runtime = window.harness.edgeserve.createRuntime({ backend: 'wasm', storeName: 'warm-load' });
    await runtime.cache.clear();
    const model = await runtime.load('ocr-cls');
    runtime.dispose();
    return model.info();
  });
  expect(cold.fromCache).toBe(false);
  expect(cold.stored).toBe(true);
  expect(modelRequests).toHaveLength(1);
  await first.close();

  modelRequests.length = 0;
  const second = await context.newPage();
  await openHarness(second);
  const warm = await second.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'warm-load' });
    const model = await runtime.load('ocr-cls');
    const out = await model.predict(inputs.ocrClsInput());
    runtime.dispose();
    return { info: model.info(), top: (out['softmax_0.tmp_0']!.data as Float32Array)[0]! };
  });
  expect(warm.info.fromCache).toBe(true);
  expect(warm.top).toBeGreaterThan(0.9);
  expect(modelRequests).toEqual([]);
});
