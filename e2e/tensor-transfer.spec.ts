/** Tensors cross the worker boundary by transfer, not copy: the sent buffer is detached after predict. */
import { expect, openHarness, test } from './fixtures.js';

test('input buffers are transferred to the worker and outputs come back', async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm' });
    const model = await runtime.load('ocr-cls');
    const feed = inputs.ocrClsInput();
    const data = feed.x!.data;
    const before = data.buffer.byteLength;
    const out = await model.predict(feed);
    runtime.dispose();
    const output = out['softmax_0.tmp_0']!;
    return { before, after: data.buffer.byteLength, outLength: output.data.length, outIsFloat32: output.data instanceof Float32Array };
  });
  expect(result.before).toBe(4 * 3 * 48 * 192);
  expect(result.after).toBe(0); // detached: moved, not copied
  expect(result).toMatchObject({ outLength: 2, outIsFloat32: true });
});
