/**
 * `auto` picks by measurement, in real Chromium: SwiftShader's WebGPU (software, on the CPU) is
 * timed against WASM and must lose; the timings are kept in IndexedDB and the next runtime on
 * the same store reuses the choice without measuring. The worker here takes the adapter for a
 * hardware one (e2e/pages/adapter-as-hardware.worker.ts) — the shipped worker skips software
 * adapters without measuring, which webgpu-matches-wasm.spec.ts checks.
 */
import { expect, openHarness, test } from './fixtures.js';

test.beforeEach(async ({ page }) => openHarness(page));

test('auto times WebGPU (SwiftShader) and WASM, keeps WASM, and reuses the stored choice', async ({ page }) => {
  // SwiftShader compiles shaders on the CPU: a loaded machine stretches it.
  test.slow();
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs, adapterAsHardwareWorker } = window.harness;
    const load = async () => {
      const runtime = edgeserve.createRuntime({ workerFactory: adapterAsHardwareWorker, storeName: 'auto-measured' });
      const caps = await runtime.capabilities();
      const model = await runtime.load('ocr-cls');
      const out = await model.predict(inputs.inputsFor['ocr-cls']!());
      const info = model.info();
      runtime.dispose();
      return { caps, info, outputs: Object.keys(out) };
    };
    return { first: await load(), second: await load() };
  });
  const { first, second } = result;
  console.log(`auto on ${first.caps.adapter}: measured ${JSON.stringify(first.info.backendChoice?.measured)} → ${first.info.backend}`);
  expect(first.caps.adapter).toMatch(/swiftshader/i);
  expect(first.info.backendChoice?.chosenBy).toBe('measurement');
  const measured = first.info.backendChoice!.measured;
  expect(measured.webgpu).toBeGreaterThan(0);
  expect(measured.wasm).toBeGreaterThan(0);
  expect(measured.wasm!).toBeLessThan(measured.webgpu!);
  expect(first.info.backend).toBe('wasm');
  expect(first.info.fallback).toBeUndefined();
  expect(first.outputs.length).toBeGreaterThan(0);

  expect(second.info.fromCache).toBe(true);
  expect(second.info.backend).toBe('wasm');
  expect(second.info.backendChoice).toEqual({ measured, chosenBy: 'stored' });
});
