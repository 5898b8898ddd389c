/**
 * The engine's runtime starts while the model's bytes are on their way, not after: on a cold
 * load while they download, on a warm one while the store reads and checks them. The bytes are
 * held back until the engine's `prepare` has begun (for up to 2 s); a host that prepared the
 * engine only once the bytes were there would never see it begin first.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import type { DetectedCapabilities } from '../../src/capabilities.js';
import { createHost, defaultHostDeps } from '../../src/host/host.js';
import { createMemoryDeviceState } from '../../src/state/device-state.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { ModelStore } from '../../src/store/model-store.js';
import { startModelServer, type ModelServer } from '../fixtures/model-server.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());

const wasmOnly = async (): Promise<DetectedCapabilities> => ({ webgpu: false, softwareAdapter: false, wasmSimd: true, wasmThreads: false, hardwareConcurrency: 2 });

/** An engine that records when it is prepared and opened, and a promise that `prepare` has begun. */
function recordingEngine(events: string[]): { engine: Engine; preparing: Promise<void> } {
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
  return { engine, preparing };
}

const heldBack = (preparing: Promise<void>) => Promise.race([preparing, new Promise((r) => setTimeout(r, 2000))]);

it('starts the engine before the model download ends', async () => {
  const events: string[] = [];
  const { engine, preparing } = recordingEngine(events);
  const slowModelFetch = async (url: string, init?: RequestInit) => {
    const response = await fetch(url, init);
    if (!url.endsWith('.onnx')) return response;
    await heldBack(preparing);
    events.push('model downloaded');
    return response;
  };
  const host = createHost({
    ...defaultHostDeps,
    engineFiles: nodeEngineFiles,
    engines: { onnx: async () => engine, tfjs: async () => engine, tflite: async () => engine },
    openStore: () => createMemoryStore(),
    openState: () => createMemoryDeviceState(),
    fetch: slowModelFetch,
    detect: wasmOnly,
  });
  await host.init({ manifestUrl: `${server.url}/models/manifest.json`, storeName: 'unused' });
  await host.load({ id: 'ocr-cls', backend: 'wasm' });
  expect(events).toEqual(['prepare', 'model downloaded', 'create']);
});

it('starts the engine of a stored model before the store has read its bytes', async () => {
  const store = createMemoryStore();
  const state = createMemoryDeviceState();
  const hostOn = (engine: Engine, openStore: () => ModelStore) =>
    createHost({
      ...defaultHostDeps,
      engineFiles: nodeEngineFiles,
      engines: { onnx: async () => engine, tfjs: async () => engine, tflite: async () => engine },
      openStore,
      openState: () => state,
      detect: wasmOnly,
    });
  const first = hostOn(recordingEngine([]).engine, () => store);
  await first.init({ manifestUrl: `${server.url}/models/manifest.json`, storeName: 'unused' });
  await first.load({ id: 'ocr-cls', backend: 'wasm' });

  // A later visit: a new host on the same store, whose read of the model's bytes is held back.
  const events: string[] = [];
  const { engine, preparing } = recordingEngine(events);
  const slowRead: ModelStore = {
    ...store,
    async read(key, onRepair) {
      await heldBack(preparing);
      events.push('bytes read');
      return store.read(key, onRepair);
    },
  };
  const returning = hostOn(engine, () => slowRead);
  await returning.init({ manifestUrl: `${server.url}/models/manifest.json`, storeName: 'unused' });
  const info = await returning.load({ id: 'ocr-cls', backend: 'wasm' });
  expect(info.fromCache).toBe(true);
  expect(events).toEqual(['prepare', 'bytes read', 'create']);
});
