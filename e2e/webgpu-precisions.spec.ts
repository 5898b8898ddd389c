/**
 * ocr-cls on WebGPU (real, SwiftShader here) at every precision it ships — fp32, fp16, q4 —
 * opens on the adapter with no fallback and answers as the same variant does on WASM, proven
 * rather than assumed. Observed here (Chromium 150, onnxruntime-web 1.30, 2026-12-05): fp16's
 * Casts of float16 weights and q4's MatMulNBits have WebGPU kernels (or are folded at load). Were
 * one to fall back, info().fallback would say why and this test would name the change.
 *
 * One runtime per backend loads all three: one worker, one engine start and one WebGPU device,
 * whose compiled kernels the three sessions share (SwiftShader compiles each shader on the CPU:
 * a runtime per precision cost ~20 s each on this 2-core machine).
 */
import { expect, openHarness, test } from './fixtures.js';

/**
 * Tolerance: 1e-3 absolute on probabilities — WebGPU kernels use different accumulation orders
 * and fused ops, and SwiftShader's float math is not bit-identical to the WASM SIMD kernels.
 */
const TOLERANCE = 1e-3;
const PRECISIONS = ['fp32', 'fp16', 'q4'] as const;

test.beforeEach(async ({ page }) => openHarness(page));

test(`ocr-cls at ${PRECISIONS.join(', ')}: asked for on WebGPU, each runs there and matches WASM within ${TOLERANCE}`, async ({ page }) => {
  // A WebGPU load on SwiftShader took 2 min on this 2-core machine at load average 20.
  test.slow();
  const results = await page.evaluate(async (precisions) => {
    const { edgeserve, inputs } = window.harness;
    const run = async (backend: 'webgpu' | 'wasm') => {
      const runtime = edgeserve.createRuntime({ backend });
      try {
        const out = [];
        for (const precision of precisions) {
          const model = await runtime.load('ocr-cls', { precision });
          const y = (await model.predict(inputs.inputsFor['ocr-cls']!()))['softmax_0.tmp_0']!;
          out.push({ info: model.info(), data: [...(y.data as Float32Array)] });
        }
        return out;
      } finally {
        runtime.dispose();
      }
    };
    const gpu = await run('webgpu');
    const cpu = await run('wasm');
    return precisions.map((precision, i) => ({ precision, gpu: gpu[i]!, cpu: cpu[i]! }));
  }, PRECISIONS);
  for (const { precision, gpu, cpu } of results) {
    console.log(`ocr-cls ${precision} asked for WebGPU: backend ${gpu.info.backend}, fallback ${gpu.info.fallback?.reason ?? 'none'}`);
    expect(gpu.info.precision).toBe(precision);
    expect(cpu.info.precision).toBe(precision);
    expect(gpu.info.backend).toBe('webgpu');
    expect(gpu.info.fallback).toBeUndefined();
    expect(cpu.info.backend).toBe('wasm');
    expect(gpu.data).toHaveLength(2);
    const maxDiff = Math.max(...gpu.data.map((v, i) => Math.abs(v - cpu.data[i]!)));
    console.log(`ocr-cls ${precision}: max |webgpu - wasm| = ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThan(TOLERANCE);
  }
});
