/**
 * Page-side argument mistakes — predict(null), a plain array for data, a buffer an earlier
 * call already transferred — reject with BAD_INPUT naming the input, not a raw TypeError or
 * DataCloneError; the model keeps working.
 */
import { expect, openHarness, test } from './fixtures.js';

test('null, a plain array and a detached buffer are BAD_INPUT naming the input', async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm' });
    const model = await runtime.load('ocr-cls');
    const outcome = (work: () => Promise<unknown>) =>
      work().then(
        () => ({ name: 'none', code: 'OK', message: '' }),
        (e: Error & { code?: string }) => ({ name: e.name, code: e.code ?? '', message: e.message }),
      );
    const reused = inputs.ocrClsInput();
    await model.predict(reused);
    const x = inputs.ocrClsInput().x!;
    const outcomes = {
      nullInputs: await outcome(() => model.predict(null as never)),
      plainArray: await outcome(() => model.predict({ x: { ...x, data: Array.from(x.data as Float32Array) as never } })),
      detached: await outcome(() => model.predict(reused)),
    };
    const after = await model.predict(inputs.ocrClsInput());
    runtime.dispose();
    return { outcomes, after: (after['softmax_0.tmp_0']!.data as Float32Array)[0]! };
  });
  for (const [name, o] of Object.entries(result.outcomes)) expect(o, name).toMatchObject({ name: 'BadInputError', code: 'BAD_INPUT' });
  expect(result.outcomes.plainArray.message).toMatch(/input "x" .*plain Array/);
  expect(result.outcomes.detached.message).toMatch(/input "x" .*already transferred/);
  expect(result.after).toBeGreaterThan(0.9);
});
