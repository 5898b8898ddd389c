// A dynamic-int8 model (ConvInteger/MatMulInteger after DynamicQuantizeLinear) is refused for a
// WebGPU session before onnxruntime sees it, naming the ops, so the resolver opens it on WASM
// and says why; its fp32 model is not. The model: ocr-cls, quantized by edgeserve quantize.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOnnxEngine, type OrtFlavours } from '../../src/engines/onnx.js';
import { opsWebgpuLacks, refuseOnWebgpu } from '../../src/engines/onnx-webgpu-ops.js';
import type { ModelSpec } from '../../src/manifest/schema.js';
import { makeInt8Variant } from '../../tools/make-int8-variant.js';
import { MODEL_PATHS } from '../fixtures/model-paths.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';

describe('ops the WebGPU provider lacks', () => {
  it('ocr-cls dynamic int8: ConvInteger, MatMulInteger and DynamicQuantizeLinear are found and named; fp32 has none', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'edgeserve-webgpu-ops-')), 'cls.int8.onnx');
    await makeInt8Variant(MODEL_PATHS['ocr-cls'], out, { gate: false });
    const int8 = readFileSync(out);
    expect(Object.fromEntries(opsWebgpuLacks(int8))).toEqual({ ConvInteger: expect.any(Number), MatMulInteger: 1, DynamicQuantizeLinear: expect.any(Number) });
    expect(() => refuseOnWebgpu(int8)).toThrow(/WebGPU provider has no kernel for .*ConvInteger \(\d+\)/);
    expect(opsWebgpuLacks(readFileSync(MODEL_PATHS['ocr-cls'])).size).toBe(0);
    expect(opsWebgpuLacks(new Uint8Array([0xff, 0xff, 0xff])).size).toBe(0);

    // The engine refuses before importing onnxruntime's WebGPU build: no flavour is loaded.
    const imported: string[] = [];
    const flavours: OrtFlavours = {
      wasm: () => (imported.push('wasm'), import('onnxruntime-web')),
      jsep: () => (imported.push('jsep'), import('onnxruntime-web')),
    };
    const spec: ModelSpec = { id: 'cls', format: 'onnx', inputs: [], outputs: [] };
    await expect(createOnnxEngine(flavours).create(spec, [{ url: 'cls.int8.onnx', bytes: int8 }], 'webgpu', { files: nodeEngineFiles(), wasmThreads: 1 })).rejects.toThrow(
      /WebGPU provider has no kernel for .*ConvInteger/,
    );
    expect(imported).toEqual([]);
  }, 60_000);
});
