/**
 * `auto` by measurement, in the real host (real download, in-memory store) with an injected
 * engine whose two backends run at known speeds: the faster one must win, the timings must be
 * kept in the store, and the next load must reuse them without measuring again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectedCapabilities } from '../../src/capabilities.js';
import type { Engine } from '../../src/engines/engine.js';
import { createHost, defaultHostDeps } from '../../src/host/host.js';
import type { BackendName } from '../../src/protocol.js';
import { createMemoryDeviceState } from '../../src/state/device-state.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { startModelServer, type ModelServer } from '../fixtures/model-server.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';

const hardwareGpu: DetectedCapabilities = { webgpu: true, adapter: 'test vendor gpu', softwareAdapter: false, wasmSimd: true, wasmThreads: false, hardwareConcurrency: 2 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An engine whose backends take `runMs[backend]` a run; counts sessions and runs. */
function timedEngine(runMs: Record<BackendName, number>) {
  const counts = { created: { webgpu: 0, wasm: 0 }, runs: { webgpu: 0, wasm: 0 } };
  const engine: Engine = {
    name: 'onnx',
    async create(_spec, _files, backend) {
      counts.created[backend]++;
      return {
        run: async () => {
          counts.runs[backend]++;
          await sleep(runMs[backend]);
          return { y: { dtype: 'float32', dims: [1], data: new Float32Array([backend === 'webgpu' ? 1 : 0]) } };
        },
        dispose: async () => undefined,
      };
    },
  };
  return { engine, counts };
}

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());

async function hostWith(engine: Engine, store = createMemoryStore()) {
  const host = createHost({
    ...defaultHostDeps,
    engineFiles: nodeEngineFiles,
    engines: { onnx: async () => engine, tfjs: async () => engine, tflite: async () => engine },
    openStore: () => store,
    openState: () => createMemoryDeviceState(),
    detect: async () => hardwareGpu,
  });
  await host.init({ manifestUrl: `${server.url}/models/manifest.json`, storeName: 'unused' });
  return { host, store };
}

describe('auto picks the backend by measurement', () => {
  it('keeps the faster backend (here an injected fast WebGPU), records the timings and reuses them', async () => {
    const { engine, counts } = timedEngine({ webgpu: 2, wasm: 25 });
    const { host } = await hostWith(engine);
    const first = await host.load({ id: 'ocr-cls', backend: 'auto' });
    expect(first.backend).toBe('webgpu');
    expect(first.fallback).toBeUndefined();
    expect(first.backendChoice?.chosenBy).toBe('measurement');
    expect(first.backendChoice!.measured.webgpu!).toBeLessThan(first.backendChoice!.measured.wasm!);
    expect(counts.created).toEqual({ webgpu: 1, wasm: 1 });

    const runsBefore = { ...counts.runs };
    const second = await host.load({ id: 'ocr-cls', backend: 'auto' });
    expect(second.backend).toBe('webgpu');
    expect(second.backendChoice).toEqual({ measured: first.backendChoice!.measured, chosenBy: 'stored' });
    // Reused: one more session on the stored backend, no session and no run on the other.
    expect(counts.created).toEqual({ webgpu: 2, wasm: 1 });
    expect(counts.runs).toEqual(runsBefore);
  });

  it('keeps WASM when WebGPU is slower, without calling that a fallback', async () => {
    const { engine } = timedEngine({ webgpu: 40, wasm: 2 });
    const { host } = await hostWith(engine);
    const info = await host.load({ id: 'ocr-cls', backend: 'auto' });
    expect(info.backend).toBe('wasm');
    expect(info.fallback).toBeUndefined();
    expect(info.backendChoice?.chosenBy).toBe('measurement');
    expect(info.backendChoice!.measured.wasm!).toBeLessThan(info.backendChoice!.measured.webgpu!);
  });

  it('measures nothing when a backend is asked for', async () => {
    const { engine, counts } = timedEngine({ webgpu: 2, wasm: 25 });
    const { host } = await hostWith(engine);
    const info = await host.load({ id: 'ocr-cls', backend: 'wasm' });
    expect(info.backendChoice).toBeUndefined();
    expect(counts.created).toEqual({ webgpu: 0, wasm: 1 });
    expect(counts.runs.wasm).toBe(0);
  });
});
