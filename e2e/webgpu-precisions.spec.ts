/**
 * fp16 and q4 on WebGPU (real, SwiftShader here): what happens when a page asks for them, proven
 * rather than assumed. ocr-cls (the small model: SwiftShader is slow) has both. Observed here
 * (Chromium 150, onnxruntime-web 1.30, 2026-12-05): both open and run on the adapter, with no
 * fallback, and answer as the same variant does on WASM — fp16's Casts of float16 weights and
 * q4's MatMulNBits have WebGPU kernels (or are folded at load). Were one to fall back, info().fallback
 * would say why and this test would name the change.
 */
import { expect, openHarness, test } from './fixtures.js';

/** Same answers as the same variant on WASM, within WebGPU's accumulation-order differences (webgpu-matches-wasm). */
const TOLERANCE = 1e-3;

test.beforeEach(async ({ page }) => openHarness(page));

for (const precision of ['fp16', 'q4'] as const) {
  test(`ocr-cls ${precision}: asked for on WebGPU, it runs there and matches WASM`, async ({ page }) => {
    // A WebGPU load on SwiftShader took 2 min on this 2-core machine at load average 20.
    test.slow();
    const result = await page.evaluate(async (precision) => {
      const { edgeserve, inputs } = window.harness;
      const run = async (backend: 'webgpu' | 'wasm') => {
        const runtime = edgeserve.createRuntime({ backend });
        try {
          const model = await runtime.load('ocr-cls', { precision });
          const out = (await model.predict(inputs.inputsFor['ocr-cls']!()))['softmax_0.tmp_0']!;
          return { info: model.info(), data: [...(out.data as Float32Array)] };
        } finally {
          runtime.dispose();
        }
      };
      return { gpu: await run('webgpu'), cpu: await run('wasm') };
    }, precision);
    console.log(`ocr-cls ${precision} asked for WebGPU: backend ${result.gpu.info.backend}, fallback ${result.gpu.info.fallback?.reason ?? 'none'}`);
    expect(result.gpu.info.precision).toBe(precision);
    expect(result.cpu.info.precision).toBe(precision);
    expect(result.gpu.info.backend).toBe('webgpu');
    expect(result.gpu.info.fallback).toBeUndefined();
    const maxDiff = Math.max(...result.gpu.data.map((v, i) => Math.abs(v - result.cpu.data[i]!)));
    console.log(`ocr-cls ${precision}: max |webgpu - wasm| = ${maxDiff.toExponential(2)}`);
    expect(result.gpu.data).toHaveLength(2);
    expect(maxDiff).toBeLessThan(TOLERANCE);
  });
}
