/**
 * WebGPU (real, on SwiftShader here) gives the same answers as WASM. Tolerance: 1e-3 absolute
 * on probabilities — WebGPU kernels use different accumulation orders and fused ops, and
 * SwiftShader's float math is not bit-identical to the WASM SIMD kernels. ONNX on WebGPU (ocr-cls
 * at each precision) is webgpu-precisions.spec.ts; this file is TensorFlow.js's WebGPU backend.
 */
import { expect, openHarness, test } from './fixtures.js';

const TOLERANCE = 1e-3;

test.beforeEach(async ({ page }) => openHarness(page));

for (const { id, output } of [{ id: 'nsfw-mobilenet', output: 'dense_3' }]) {
  test(`${id} on WebGPU matches WASM within ${TOLERANCE}`, async ({ page }) => {
    // SwiftShader compiles shaders on the CPU: a loaded machine stretches it.
    test.slow();
    const result = await page.evaluate(
      async ({ id, output }) => {
        const { edgeserve, inputs } = window.harness;
        const run = async (backend: 'webgpu' | 'wasm') => {
          // One runtime a backend: tfjs has one active backend per worker.
          const runtime = edgeserve.createRuntime({ backend });
          const model = await runtime.load(id);
          const out = (await model.predict(inputs.inputsFor[id]!()))[output]!;
          const info = model.info();
          runtime.dispose();
          return { info, data: [...(out.data as Float32Array)] };
        };
        return { gpu: await run('webgpu'), cpu: await run('wasm') };
      },
      { id, output },
    );
    expect(result.gpu.info.backend).toBe('webgpu');
    expect(result.gpu.info.fallback).toBeUndefined();
    expect(result.cpu.info.backend).toBe('wasm');
    expect(result.gpu.data.length).toBe(result.cpu.data.length);
    const maxDiff = Math.max(...result.gpu.data.map((v, i) => Math.abs(v - result.cpu.data[i]!)));
    console.log(`${id}: max |webgpu - wasm| = ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThan(TOLERANCE);
  });
}

test('auto does not pick a software WebGPU adapter', async ({ page }) => {
  const info = await page.evaluate(async () => {
    const runtime = window.harness.edgeserve.createRuntime();
    const caps = await runtime.capabilities();
    const model = await runtime.load('ocr-cls');
    runtime.dispose();
    return { caps, info: model.info() };
  });
  expect(info.caps.webgpu).toBe(true);
  expect(info.caps.adapter).toMatch(/swiftshader/i);
  expect(info.info.backend).toBe('wasm');
  expect(info.info.fallback?.reason).toMatch(/software/);
});
