/**
 * Cold start: the engine's runtime starts while the model downloads, not after. The model file
 * is held back on the server until the engine's `prepare` has begun; a host that prepares the
 * engine only after the download would never see it begin before the bytes arrive.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { createHost, defaultHostDeps } from '../../src/host/host.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { startModelServer, type ModelServer } from '../fixtures/model-server.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());

it('starts the engine before the model download ends', async () => {
  const events: string[] = [];
  let prepared!: () => void;
  const preparing = new Promise<void>((resolve) => (prepared = resolve));
  const engine: Engine = {
    name: 'onnx',
    async prepare() {
      events.push('prepare');
      prepared();
    },
    async create() {
      events.push('create');
      return { run: async () => ({}), dispose: async () => undefined };
    },
  };
  const slowModelFetch = async (url: string, init?: RequestInit) => {
    const response = await fetch(url, init);
    if (!url.endsWith('.onnx')) return response;
    // Hold the bytes back for up to 2 s, or until prepare has begun.
    await Promise.race([preparing, new Promise((r) => setTimeout(r, 2000))]);
    events.push('model downloaded');
    return response;
  };
  const host = createHost({
    ...defaultHostDeps,
    engineFiles: nodeEngineFiles,
    engines: { onnx: async () => engine, tfjs: async () => engine },
    openStore: () => createMemoryStore(),
    fetch: slowModelFetch,
    detect: async () => ({ webgpu: false, softwareAdapter: false, wasmSimd: true, wasmThreads: false, hardwareConcurrency: 2 }),
  });
  await host.init({ manifestUrl: `${server.url}/models/manifest.json`, storeName: 'unused' });
  await host.load({ id: 'ocr-cls', backend: 'wasm' });
  expect(events).toEqual(['prepare', 'model downloaded', 'create']);
});
