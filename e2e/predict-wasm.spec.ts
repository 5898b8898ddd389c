/** Every shipped model (docs/ARCHITECTURE.md, "Models") loads and predicts on WASM, with outputs that make sense. */
import { expect, openHarness, test } from './fixtures.js';

test.beforeEach(async ({ page }) => openHarness(page));

test('ocr-cls tells upright text from text turned 180°', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm' });
    const model = await runtime.load('ocr-cls');
    const upright = (await model.predict(inputs.ocrClsInput(false)))['softmax_0.tmp_0']!;
    const turned = (await model.predict(inputs.ocrClsInput(true)))['softmax_0.tmp_0']!;
    runtime.dispose();
    return { info: model.info(), isolated: crossOriginIsolated, upright: [...(upright.data as Float32Array)], turned: [...(turned.data as Float32Array)], dims: upright.dims };
  });
  // The served pages are cross-origin isolated, so ORT's threaded WASM path is the one tested.
  expect(result.isolated).toBe(true);
  expect(result.info.wasmThreads).toBeGreaterThan(1);
  expect(result.info).toMatchObject({ id: 'ocr-cls', engine: 'onnx', backend: 'wasm', precision: 'fp32', version: '1.0.0' });
  expect(result.dims).toEqual([1, 2]);
  expect(result.upright[0]).toBeGreaterThan(0.9);
  expect(result.turned[1]).toBeGreaterThan(0.9);
});

test('ocr-rec reads the text drawn on a canvas', async ({ page }) => {
  const text = await page.evaluate(async () => {
    const { edgeserve, inputs, ctcDecode } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm' });
    const labels = (await runtime.manifest()).models.find((m) => m.id === 'ocr-rec')!.labels!;
    const model = await runtime.load('ocr-rec');
    const out = (await model.predict(inputs.ocrRecInput()))['softmax_11.tmp_0']!;
    runtime.dispose();
    return ctcDecode(out.data as Float32Array, out.dims, labels).trim();
  });
  expect(text).toBe('Hello edgeserve 2026');
});

test('ocr-det finds the two text lines', async ({ page }) => {
  const rows = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm' });
    const model = await runtime.load('ocr-det');
    const out = (await model.predict(inputs.ocrDetInput()))['sigmoid_0.tmp_0']!;
    runtime.dispose();
    // Rows of the probability map where any pixel is confidently text.
    const [, , h, w] = out.dims as [number, number, number, number];
    const data = out.data as Float32Array;
    const textRows: number[] = [];
    for (let y = 0; y < h; y++) {
      let hit = false;
      for (let x = 0; x < w && !hit; x++) hit = data[y * w + x]! > 0.5;
      if (hit) textRows.push(y);
    }
    return { dims: out.dims, textRows };
  });
  expect(rows.dims).toEqual([1, 1, 320, 320]);
  // Line one is drawn around y≈90, line two around y≈210; nothing near the bottom.
  expect(rows.textRows.some((y) => y > 75 && y < 105)).toBe(true);
  expect(rows.textRows.some((y) => y > 195 && y < 225)).toBe(true);
  expect(rows.textRows.some((y) => y > 280)).toBe(false);
});

test('silero-vad is stateful: its state carries across calls', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm' });
    const model = await runtime.load('silero-vad');
    let state: Float32Array | undefined;
    const probs: number[] = [];
    for (let step = 0; step < 6; step++) {
      const out = await model.predict(inputs.sileroInput(step, state));
      probs.push((out.output!.data as Float32Array)[0]!);
      state = out.stateN!.data as Float32Array;
    }
    // The same last chunk with a fresh state gives a different answer than with the carried one.
    const fresh = (await model.predict(inputs.sileroInput(5))).output!.data as Float32Array;
    runtime.dispose();
    return { probs, fresh: fresh[0]!, stateLength: state!.length };
  });
  expect(result.stateLength).toBe(256);
  for (const p of result.probs) expect(p).toBeGreaterThanOrEqual(0), expect(p).toBeLessThanOrEqual(1);
  expect(Math.abs(result.fresh - result.probs[5]!)).toBeGreaterThan(1e-4);
});

test('nsfw-mobilenet (TensorFlow.js) classifies a line drawing', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm' });
    const model = await runtime.load('nsfw-mobilenet');
    const out = (await model.predict(inputs.nsfwInput())).dense_3!;
    runtime.dispose();
    return { info: model.info(), probs: [...(out.data as Float32Array)], dims: out.dims };
  });
  expect(result.info).toMatchObject({ engine: 'tfjs', backend: 'wasm' });
  expect(result.dims).toEqual([1, 5]);
  expect(result.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  const labels = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];
  expect(['Drawing', 'Neutral']).toContain(labels[result.probs.indexOf(Math.max(...result.probs))]);
});
