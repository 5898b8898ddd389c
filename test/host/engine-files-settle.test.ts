/**
 * A first visit's copies of the engine files are written once the worker pauses (host.ts
 * settleWhenIdle), never among queued calls nor while a model served before it was stored is
 * still being written: the real host and ONNX engine in Node, with an engine-file cache that
 * records when it is told to write.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EngineFileCache } from '../../src/engines/engine-file-cache.js';
import { createHost, defaultHostDeps } from '../../src/host/host.js';
import type { WorkerApi } from '../../src/protocol.js';
import { createMemoryDeviceState } from '../../src/state/device-state.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { startModelServer, type ModelServer } from '../fixtures/model-server.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';
import { slowStore } from '../fixtures/slow-store.js';

let server: ModelServer;
let host: WorkerApi;

/** An engine-file cache with copies waiting, which records when it is told to write them. */
function recordingCache(): EngineFileCache & { flushes: number[] } {
  const flushes: number[] = [];
  let deferred = true;
  return {
    flushes,
    wasm: async (url) => ({ url }),
    glue: async (url) => url,
    flush: async () => {
      flushes.push(performance.now());
      deferred = false;
    },
    pending: () => deferred,
  };
}
const cache = recordingCache();
const { flushes } = cache;

beforeAll(async () => {
  server = await startModelServer();
  host = createHost({
    ...defaultHostDeps,
    engineFiles: nodeEngineFiles,
    engineFileCache: () => cache,
    openStore: () => createMemoryStore(),
    openState: () => createMemoryDeviceState(),
    detect: async () => ({ webgpu: false, softwareAdapter: false, wasmSimd: true, wasmThreads: false, hardwareConcurrency: 2 }),
  });
  await host.init({ manifestUrl: `${server.url}/models/manifest.json`, storeName: 'unused' });
});
afterAll(() => server.close());

const clsInput = () => ({ x: { dtype: 'float32' as const, dims: [1, 3, 48, 192], data: new Float32Array(3 * 48 * 192).fill(1) } });

it('writes the deferred engine-file copies once predicts pause, not while calls are queued', async () => {
  const info = await host.load({ id: 'ocr-cls', backend: 'wasm' });
  expect(flushes).toEqual([]);
  await Promise.all(Array.from({ length: 8 }, () => host.predict(info.handle, clsInput())));
  const lastAnswer = performance.now();
  expect(flushes).toEqual([]);
  await expect.poll(() => flushes.length, { timeout: 3000 }).toBe(1);
  expect(flushes[0]! - lastAnswer).toBeGreaterThanOrEqual(200);
  // Nothing deferred any more: later predicts schedule nothing.
  await host.predict(info.handle, clsInput());
  await new Promise((r) => setTimeout(r, 400));
  expect(flushes).toHaveLength(1);
});

/** A grey strip: that a session answers is the point here, not what it reads. */
const recInput = () => ({ x: { dtype: 'float32' as const, dims: [1, 3, 48, 320], data: new Float32Array(3 * 48 * 320).fill(0.5) } });

it('writes them only once a model served before it was stored is written, not as soon as predicts pause', async () => {
  const slowCache = recordingCache();
  const slowHost = createHost({
    ...defaultHostDeps,
    engineFiles: nodeEngineFiles,
    engineFileCache: () => slowCache,
    // ocr-rec: three 4 MiB chunks, 0.4 s each to write, served before they are.
    openStore: () => slowStore(createMemoryStore(), { putMs: 400 }),
    openState: () => createMemoryDeviceState(),
    detect: async () => ({ webgpu: false, softwareAdapter: false, wasmSimd: true, wasmThreads: false, hardwareConcurrency: 2 }),
    storeInBackgroundFrom: 1,
  });
  await slowHost.init({ manifestUrl: `${server.url}/models/manifest.json`, storeName: 'unused' });
  let storedAt = 0;
  const info = await slowHost.load({ id: 'ocr-rec', backend: 'wasm' }, undefined, (switched) => {
    if (switched.stored) storedAt = performance.now();
  });
  expect(info.storing).toBe(true);
  await slowHost.predict(info.handle, recInput());
  await expect.poll(() => slowCache.flushes.length, { timeout: 5000 }).toBe(1);
  expect(storedAt).toBeGreaterThan(0);
  expect(slowCache.flushes[0]).toBeGreaterThan(storedAt);
});
