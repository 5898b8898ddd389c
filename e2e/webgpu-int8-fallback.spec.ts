/**
 * A dynamic-int8 model asked for on WebGPU (real, SwiftShader here) opens on WASM and says why:
 * onnxruntime-web's WebGPU provider has no ConvInteger/MatMulInteger kernel, and would run those
 * nodes on its CPU kernels with a GPU round trip each. ocr-cls int8 (35 ConvInteger, made by
 * edgeserve quantize) loads with `backend: 'webgpu'`, runs on WASM, `info().fallback` names the
 * ops, and answers as the same variant asked for on WASM does.
 */
import { expect, openHarness, test } from './fixtures.js';

test('ocr-cls int8 (ConvInteger) asked for on WebGPU falls back to WASM at load, and info().fallback names the ops', async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const run = async (backend: 'webgpu' | 'wasm') => {
      const runtime = edgeserve.createRuntime({ backend, storeName: `int8-on-${backend}` });
      try {
        const model = await runtime.load('ocr-cls', { precision: 'int8' });
        const out = (await model.predict(inputs.inputsFor['ocr-cls']!()))['softmax_0.tmp_0']!;
        return { info: model.info(), data: [...(out.data as Float32Array)] };
      } finally {
        runtime.dispose();
      }
    };
    return { gpu: await run('webgpu'), cpu: await run('wasm') };
  });
  console.log(`ocr-cls int8 asked for WebGPU: backend ${result.gpu.info.backend}, fallback ${JSON.stringify(result.gpu.info.fallback)}`);
  expect(result.gpu.info).toMatchObject({ precision: 'int8', requestedBackend: 'webgpu', backend: 'wasm' });
  expect(result.gpu.info.fallback).toMatchObject({ from: 'webgpu', reason: expect.stringMatching(/WebGPU provider has no kernel for .*ConvInteger \(\d+\)/) });
  expect(result.gpu.data).toEqual(result.cpu.data);
});
