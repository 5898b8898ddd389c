/**
 * An explicit `backend: 'webgpu'` whose session opens but cannot run (onnxruntime's WebGPU
 * provider lacking an op at run time) falls back to WASM at load — the warm-up run decides, not
 * the user's first predict — says why in `fallback`, and the next load on this device goes
 * straight to WASM without trying WebGPU again. Real host, real download, injected engine.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DetectedCapabilities } from '../../src/capabilities.js';
import type { Engine } from '../../src/engines/engine.js';
import { createHost, defaultHostDeps } from '../../src/host/host.js';
import { createMemoryDeviceState } from '../../src/state/device-state.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { startModelServer, type ModelServer } from '../fixtures/model-server.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';

const hardwareGpu: DetectedCapabilities = { webgpu: true, adapter: 'test vendor gpu', softwareAdapter: false, wasmSimd: true, wasmThreads: false, hardwareConcurrency: 2 };

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());

it('a WebGPU session that cannot run falls back to WASM at load, and is not tried again', async () => {
  const created = { webgpu: 0, wasm: 0 };
  const engine: Engine = {
    name: 'onnx',
    async create(_spec, _files, backend) {
      created[backend]++;
      return {
        run: async () => {
          if (backend === 'webgpu') throw new Error('[WebGPU] Kernel "MaxPool" failed: ceil_mode is not supported');
          return { y: { dtype: 'float32', dims: [1], data: new Float32Array([1]) } };
        },
        dispose: async () => undefined,
      };
    },
  };
  const store = createMemoryStore();
  const state = createMemoryDeviceState();
  const host = createHost({
    ...defaultHostDeps,
    engineFiles: nodeEngineFiles,
    engines: { onnx: async () => engine, tfjs: async () => engine, tflite: async () => engine },
    openStore: () => store,
    openState: () => state,
    detect: async () => hardwareGpu,
  });
  await host.init({ manifestUrl: `${server.url}/models/manifest.json`, storeName: 'unused' });

  const first = await host.load({ id: 'ocr-cls', backend: 'webgpu' });
  expect(first.backend).toBe('wasm');
  expect(first.fallback).toMatchObject({ from: 'webgpu', reason: expect.stringMatching(/MaxPool/) });
  expect(created).toEqual({ webgpu: 1, wasm: 1 });

  const again = await host.load({ id: 'ocr-cls', backend: 'webgpu' });
  expect(again.backend).toBe('wasm');
  expect(again.fallback).toMatchObject({ from: 'webgpu', reason: expect.stringMatching(/failed on this device before.*MaxPool/) });
  expect(created).toEqual({ webgpu: 1, wasm: 2 });
});
