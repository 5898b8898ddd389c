/**
 * A big cold download is served before the store has written it (fetch-variant.ts,
 * load-model.ts): the real host and onnxruntime-web's WASM engine in Node, the real fetch
 * against the loopback server, the in-memory store made slow as IndexedDB is for a big model,
 * and the background threshold lowered so a shipped model takes that path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectedCapabilities } from '../../src/capabilities.js';
import { createHost, defaultHostDeps } from '../../src/host/host.js';
import type { ModelInfo } from '../../src/protocol.js';
import { createMemoryDeviceState } from '../../src/state/device-state.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { ModelStore } from '../../src/store/model-store.js';
import { startModelServer, type ModelServer } from '../fixtures/model-server.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';
import { slowStore } from '../fixtures/slow-store.js';

const wasmOnly: DetectedCapabilities = { webgpu: false, softwareAdapter: false, wasmSimd: true, wasmThreads: false, hardwareConcurrency: 2 };

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());

async function startHost(store: ModelStore) {
  const host = createHost({
    ...defaultHostDeps,
    engineFiles: nodeEngineFiles,
    openStore: () => store,
    openState: () => createMemoryDeviceState(),
    detect: async () => wasmOnly,
    storeInBackgroundFrom: 1,
  });
  await host.init({ manifestUrl: `${server.url}/models/manifest.json`, storeName: 'unused' });
  return host;
}

/** A grey strip: that a session answers is the point here, not what it reads. */
const recInput = () => ({ x: { dtype: 'float32' as const, dims: [1, 3, 48, 320], data: new Float32Array(3 * 48 * 320).fill(0.5) } });

describe('a big cold download is served before it is stored', () => {
  it('answers before the store is done, then says it is stored (a switch of the same version), and the next load reads it', async () => {
    const host = await startHost(slowStore(createMemoryStore(), { putMs: 400 }));
    const switches: ModelInfo[] = [];
    // ocr-rec: three 4 MiB chunks, 0.4 s each to write.
    const info = await host.load({ id: 'ocr-rec', backend: 'wasm' }, undefined, (i) => void switches.push(i));
    expect(info).toMatchObject({ fromCache: false, stored: false, storing: true });
    expect(Object.keys(await host.predict(info.handle, recInput()))).toHaveLength(1);
    expect(switches).toEqual([]);
    await host.settle();
    expect(switches).toHaveLength(1);
    expect(switches[0]).toMatchObject({ handle: info.handle, version: info.version, stored: true });
    expect(switches[0]!.storing).toBeUndefined();
    expect((await host.load({ id: 'ocr-rec', backend: 'wasm' })).fromCache).toBe(true);
  });

  it('says why when the store refuses the copy, and goes on answering from memory', async () => {
    const host = await startHost(slowStore(createMemoryStore(), { putMs: 10, refuseCommit: true }));
    const switches: ModelInfo[] = [];
    const info = await host.load({ id: 'ocr-rec', backend: 'wasm' }, undefined, (i) => void switches.push(i));
    await host.settle();
    expect(switches[0]).toMatchObject({ stored: false });
    expect(switches[0]!.storeError).toMatch(/refused for the test.*running from memory/);
    expect(Object.keys(await host.predict(info.handle, recInput()))).toHaveLength(1);
  });

  it('keeps a small model stored when loaded (the threshold), as before', async () => {
    const host = createHost({
      ...defaultHostDeps,
      engineFiles: nodeEngineFiles,
      openStore: () => slowStore(createMemoryStore(), { putMs: 10 }),
      openState: () => createMemoryDeviceState(),
      detect: async () => wasmOnly,
    });
    await host.init({ manifestUrl: `${server.url}/models/manifest.json`, storeName: 'unused' });
    const info = await host.load({ id: 'ocr-cls', backend: 'wasm' });
    expect(info.stored).toBe(true);
    expect(info.storing).toBeUndefined();
  });
});
