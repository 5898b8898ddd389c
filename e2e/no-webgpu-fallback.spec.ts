/**
 * Run by the "chromium-no-webgpu" project: Chromium launched without the WebGPU flags, so this
 * headless browser has no WebGPU adapter. Asking for WebGPU falls back to WASM, and info() says so.
 */
import { expect, openHarness, test } from './fixtures.js';

test.beforeEach(async ({ page }) => openHarness(page));

for (const { id, engine } of [
  { id: 'ocr-cls', engine: 'onnx' },
  { id: 'nsfw-mobilenet', engine: 'tfjs' },
]) {
  test(`${id} asked for WebGPU runs on WASM and says why`, async ({ page }) => {
    const result = await page.evaluate(async (id) => {
      const { edgeserve, inputs } = window.harness;
      const runtime = edgeserve.createRuntime({ backend: 'webgpu' });
      const caps = await runtime.capabilities();
      const model = await runtime.load(id);
      const outputs = await model.predict(inputs.inputsFor[id]!());
      runtime.dispose();
      return { caps, info: model.info(), outputs: Object.keys(outputs) };
    }, id);
    expect(result.caps.webgpu).toBe(false);
    expect(result.info).toMatchObject({ engine, backend: 'wasm', requestedBackend: 'webgpu', fallback: { from: 'webgpu' } });
    expect(result.info.fallback!.reason.length).toBeGreaterThan(5);
    expect(result.outputs.length).toBeGreaterThan(0);
  });
}
