/**
 * Bad input rejects that call only, with BAD_INPUT and a message naming the input; the model
 * (and its worker) stay usable. Unknown models and variants have their own codes.
 */
import { expect, openHarness, test } from './fixtures.js';

test.beforeEach(async ({ page }) => openHarness(page));

test('each kind of bad input is refused and the next call succeeds', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm' });
    const model = await runtime.load('ocr-cls');
    const x = () => inputs.ocrClsInput().x!;
    const cases: Record<string, () => Record<string, import('../src/index.js').Tensor>> = {
      wrongName: () => ({ y: x() }),
      missing: () => ({}),
      wrongDtype: () => ({ x: { dtype: 'int32', dims: [1, 3, 48, 192], data: new Int32Array(3 * 48 * 192) } }),
      dataNotMatchingDtype: () => ({ x: { dtype: 'float32', dims: [1, 3, 48, 192], data: new Int32Array(3 * 48 * 192) } as never }),
      wrongRank: () => ({ x: { dtype: 'float32', dims: [3, 48, 192], data: new Float32Array(3 * 48 * 192) } }),
      wrongFixedDim: () => ({ x: { dtype: 'float32', dims: [1, 3, 48, 100], data: new Float32Array(3 * 48 * 100) } }),
      wrongLength: () => ({ x: { dtype: 'float32', dims: [1, 3, 48, 192], data: new Float32Array(10) } }),
    };
    const outcomes: Record<string, { code?: string; typed: boolean; message: string }> = {};
    for (const [name, make] of Object.entries(cases)) {
      try {
        await model.predict(make());
        outcomes[name] = { typed: false, message: 'accepted' };
      } catch (error) {
        const e = error as InstanceType<typeof edgeserve.EdgeServeError>;
        outcomes[name] = { code: e.code, typed: e instanceof edgeserve.BadInputError, message: e.message };
      }
    }
    const after = await model.predict(inputs.ocrClsInput());
    const errorCode = async (work: () => Promise<unknown>) =>
      work().then(
        () => 'OK',
        (e: { code: string }) => e.code,
      );
    const unknownModel = await errorCode(() => runtime.load('no-such-model'));
    const unknownVariant = await errorCode(() => runtime.load('nsfw-mobilenet', { precision: 'fp16' }));
    runtime.dispose();
    return { outcomes, after: (after['softmax_0.tmp_0']!.data as Float32Array)[0]!, unknownModel, unknownVariant };
  });
  for (const [name, outcome] of Object.entries(result.outcomes)) {
    expect(outcome, name).toMatchObject({ code: 'BAD_INPUT', typed: true });
  }
  expect(result.outcomes.wrongName!.message).toMatch(/unknown input "y"/);
  expect(result.outcomes.wrongFixedDim!.message).toMatch(/axis 3 is 100, not 192/);
  expect(result.after).toBeGreaterThan(0.9);
  expect(result.unknownModel).toBe('MODEL_NOT_FOUND');
  expect(result.unknownVariant).toBe('VARIANT_NOT_FOUND');
});

test('an input the engine itself rejects fails that call with INFERENCE_FAILED, then the model works', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm' });
    const model = await runtime.load('silero-vad');
    // The manifest allows any number of samples, but silero's STFT reflect-pads by 64, so 10 fail inside ORT.
    const short = { ...inputs.sileroInput(0), input: edgeserve.tensor('float32', new Float32Array(10), [1, 10]) };
    const failure = await model.predict(short).then(
      () => ({ code: 'OK', message: '' }),
      (e: { code: string; message: string }) => ({ code: e.code, message: e.message }),
    );
    const ok = await model.predict(inputs.sileroInput(0));
    runtime.dispose();
    return { failure, ok: ok.output!.dims };
  });
  expect(result.failure.code).toBe('INFERENCE_FAILED');
  expect(result.failure.message).toMatch(/silero-vad/);
  expect(result.ok).toEqual([1, 1]);
});
