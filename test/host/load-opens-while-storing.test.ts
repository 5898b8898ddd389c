/**
 * A cold load opens its session as soon as the download's bytes passed their SHA-256, while the
 * store is still writing them (load-model.ts, fetch-variant.ts): the real host and
 * onnxruntime-web's WASM engine in Node, the real fetch against the loopback server, and the
 * in-memory store made slow, as IndexedDB is for a big model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectedCapabilities } from '../../src/capabilities.js';
import { createHost, defaultHostDeps } from '../../src/host/host.js';
import type { LoadProgress } from '../../src/protocol.js';
import { createMemoryDeviceState } from '../../src/state/device-state.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { ModelStore } from '../../src/store/model-store.js';
import { startModelServer, type ModelServer } from '../fixtures/model-server.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';

const wasmOnly: DetectedCapabilities = { webgpu: false, wasmSimd: true, wasmThreads: false, hardwareConcurrency: 2 };

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());

/** The memory store with every chunk write taking `putMs`, its commit refused when `refuseCommit`; what happened, in order. */
function slowStore(log: string[], putMs: number, refuseCommit = false): ModelStore {
  const memory = createMemoryStore();
  return {
    ...memory,
    async begin(key, files) {
      const write = await memory.begin(key, files);
      return {
        ...write,
        chunkBytes: write.chunkBytes,
        async put(f, c, bytes) {
          await new Promise((resolve) => setTimeout(resolve, putMs));
          await write.put(f, c, bytes);
        },
        async commit(spec) {
          log.push('commit');
          if (refuseCommit) throw new Error('refused for the test');
          await write.commit(spec);
        },
      };
    },
  };
}


async function coldLoad(store: ModelStore, log: string[]) {
  const host = createHost({ ...defaultHostDeps, engineFiles: nodeEngineFiles, openStore: () => store, openState: () => createMemoryDeviceState(), detect: async () => wasmOnly });
  await host.init({ manifestUrl: `${server.url}/models/manifest.json`, storeName: 'unused' });
  const info = await host.load({ id: 'ocr-rec', backend: 'wasm' }, (p: LoadProgress) => {
    if (p.phase === 'compile' || (p.phase === 'download' && p.loaded === p.total)) log.push(p.phase);
  });
  return { host, info };
}

/** A grey strip: the answer is not the point here, that a session answers is. */
const recInput = () => ({ x: { dtype: 'float32' as const, dims: [1, 3, 48, 320], data: new Float32Array(3 * 48 * 320).fill(0.5) } });

describe('a cold load opens its session while the store writes', () => {
  it('starts the session before the record is committed, and keeps the copy', async () => {
    const log: string[] = [];
    // ocr-rec is three 4 MiB chunks: 0.6 s of writes a chunk, longer than the session takes to open.
    const store = slowStore(log, 600);
    const { host, info } = await coldLoad(store, log);
    expect(log).toEqual(['download', 'compile', 'commit']);
    expect(info).toMatchObject({ fromCache: false, stored: true });
    expect(Object.keys(await host.predict(info.handle, recInput()))).toHaveLength(1);
    // The copy it kept serves the next load.
    const again = await host.load({ id: 'ocr-rec', backend: 'wasm' });
    expect(again.fromCache).toBe(true);
  });

  it('still answers when the store refuses the record after the session opened: from memory, and says so', async () => {
    const log: string[] = [];
    const { host, info } = await coldLoad(slowStore(log, 50, true), log);
    expect(log).toContain('commit');
    expect(info).toMatchObject({ fromCache: false, stored: false });
    expect(info.storeError).toMatch(/refused for the test/);
    expect(Object.keys(await host.predict(info.handle, recInput()))).toHaveLength(1);
  });
});
