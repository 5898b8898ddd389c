/**
 * The shared host's per-page facades over one real host core in Node (onnxruntime-web's WASM,
 * the loopback model server, the in-memory store). Only the page locks are fakes: a page
 * "goes away" when the test says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError, ModelDisposedError, ModelTooLargeError, UnsupportedError } from '../../src/errors.js';
import { createHostCore, defaultHostDeps, type HostCore } from '../../src/host/host.js';
import { createSharedHost } from '../../src/host/shared-host.js';
import type { ModelInfo, TensorMap, WorkerApi, WorkerInit } from '../../src/protocol.js';
import type { SharedHostApi } from '../../src/shared-host-protocol.js';
import { createMemoryDeviceState } from '../../src/state/device-state.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { startModelServer, type ModelServer } from '../fixtures/model-server.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';

let server: ModelServer;
let core: HostCore;
let host: ReturnType<typeof createSharedHost>;
let init: WorkerInit;
let coreLoads = 0;
const gone = new Map<string, () => void>();
const scope = { crossOriginIsolated: false, sharedArrayBuffer: false, nestedWorkers: false };

beforeAll(async () => {
  server = await startModelServer();
  const store = createMemoryStore();
  const state = createMemoryDeviceState();
  const detect = async () => ({ webgpu: false, softwareAdapter: false, wasmSimd: true, wasmThreads: false, hardwareConcurrency: 2 });
  core = createHostCore({ ...defaultHostDeps, engineFiles: nodeEngineFiles, openStore: () => store, openState: () => state, detect });
  // Counts the loads that reach the core: a joined load must not.
  const load = core.api.load;
  core.api.load = (...args) => {
    coreLoads++;
    return load(...args);
  };
  host = createSharedHost(core, { lifeLock: 'life', scope, watchPage: (lock, onGone) => gone.set(lock, onGone) });
  init = { manifestUrl: `${server.url}/models/manifest.json`, storeName: 'shared-test' };
});
afterAll(() => server.close());

let pages = 0;
async function page(): Promise<{ api: SharedHostApi; leave: () => void }> {
  const api = host.connect();
  const lock = `page-${++pages}`;
  await api.init(init);
  expect(await api.attach({ pageLock: lock })).toEqual({ lifeLock: 'life', scope });
  return { api, leave: () => gone.get(lock)!() };
}

const clsInput = (): TensorMap => ({ x: { dtype: 'float32', dims: [1, 3, 48, 192], data: new Float32Array(3 * 48 * 192).fill(1) } });
const modelRequests = () => server.requests.filter((r) => r.includes('ocr-cls') && !r.endsWith('.json')).length;
const sessionsOf = (id: string) => host.stats().sessions.filter((s) => s.id === id);

describe('shared host', () => {
  it('serves two pages loading the same model from one session, each page counting its own calls', async () => {
    const [a, b] = [await page(), await page()];
    const loadsBefore = coreLoads;
    const [infoA, infoB] = await Promise.all([a.api.load({ id: 'ocr-cls', backend: 'wasm', callId: 'a1' }), b.api.load({ id: 'ocr-cls', backend: 'wasm', callId: 'b1' })]);
    expect(coreLoads - loadsBefore).toBe(1);
    expect(infoB.handle).toBe(infoA.handle);
    expect(modelRequests()).toBe(1);
    expect(sessionsOf('ocr-cls')).toEqual([expect.objectContaining({ pages: 2, refs: 2 })]);
    await Promise.all([a.api.predict(infoA.handle, clsInput()), b.api.predict(infoB.handle, clsInput()), b.api.predict(infoB.handle, clsInput())]);
    const [ofA, ofB] = [await a.api.metrics(), await b.api.metrics()];
    expect(ofA.models.find((m) => m.model === 'ocr-cls')?.calls).toBe(1);
    expect(ofB.models.find((m) => m.model === 'ocr-cls')?.calls).toBe(2);
    expect(ofA.shared?.total.models.find((m) => m.model === 'ocr-cls')?.calls).toBe(3);

    // One page's unload drops its reference only: the other page keeps predicting; the last unload closes the session.
    await a.api.unload(infoA.handle);
    await expect(a.api.predict(infoA.handle, clsInput())).rejects.toBeInstanceOf(ModelDisposedError);
    await expect(b.api.predict(infoB.handle, clsInput())).resolves.toHaveProperty(['softmax_0.tmp_0']);
    expect(core.parts().served.get(infoA.handle)).toBeDefined();
    await b.api.unload(infoB.handle);
    expect(sessionsOf('ocr-cls')).toEqual([]);
    expect(core.parts().served.get(infoA.handle)).toBeUndefined();
    a.leave();
    b.leave();
  });

  it('keeps loads with another backend, precision or version in sessions of their own', async () => {
    const a = await page();
    const first = await a.api.load({ id: 'ocr-cls', backend: 'wasm' });
    const other = await a.api.load({ id: 'ocr-cls', backend: 'wasm', batching: false });
    expect(other.handle).not.toBe(first.handle);
    expect(sessionsOf('ocr-cls')).toHaveLength(2);
    a.leave();
    expect(sessionsOf('ocr-cls')).toEqual([]);
  });

  it("drops a page that went away mid-call without failing another page's calls", async () => {
    const [a, b] = [await page(), await page()];
    const { handle } = await a.api.load({ id: 'ocr-cls', backend: 'wasm' });
    await b.api.load({ id: 'ocr-cls', backend: 'wasm' });
    // B's call runs first; A's two calls wait behind it in the same queue when A goes.
    const ofB = b.api.predict(handle, clsInput());
    const ofA = [a.api.predict(handle, clsInput()), a.api.predict(handle, clsInput())];
    const moreOfB = b.api.predict(handle, clsInput());
    a.leave();
    const settled = await Promise.allSettled(ofA);
    expect(settled.map((s) => s.status === 'rejected' && s.reason instanceof AbortedError)).toEqual([true, true]);
    await expect(ofB).resolves.toHaveProperty(['softmax_0.tmp_0']);
    await expect(moreOfB).resolves.toHaveProperty(['softmax_0.tmp_0']);
    expect(sessionsOf('ocr-cls')).toEqual([expect.objectContaining({ pages: 1, refs: 1 })]);
    expect(host.stats().pages).toBe(1);
    b.leave();
    expect(sessionsOf('ocr-cls')).toEqual([]);
  });

  it('lets one page abort its load while another page waits for the same session', async () => {
    const [a, b] = [await page(), await page()];
    // A first download (not in the store yet): a load that is aborted stops there.
    const ofA = a.api.load({ id: 'ocr-det', precision: 'int8', backend: 'wasm', callId: 'abort-a' });
    const ofB = b.api.load({ id: 'ocr-det', precision: 'int8', backend: 'wasm', callId: 'keep-b' });
    expect(await a.api.cancel('abort-a', 'aborted')).toBe(true);
    await expect(ofA).rejects.toBeInstanceOf(AbortedError);
    const info = await ofB;
    expect(info).toMatchObject({ id: 'ocr-det', fromCache: false });
    expect(sessionsOf('ocr-det')).toEqual([expect.objectContaining({ pages: 1, refs: 1 })]);
    a.leave();
    b.leave();
  });

  it("tells every page's onSwitch when the session switches", async () => {
    const [a, b] = [await page(), await page()];
    const told: string[] = [];
    const { handle } = await a.api.load({ id: 'ocr-cls', backend: 'wasm' }, undefined, (info: ModelInfo) => told.push(`a:${info.handle}`));
    await b.api.load({ id: 'ocr-cls', backend: 'wasm' }, undefined, (info: ModelInfo) => told.push(`b:${info.handle}`));
    core.parts().served.get(handle)!.notify();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(told.sort()).toEqual([`a:${handle}`, `b:${handle}`]);
    b.leave();
    core.parts().served.get(handle)!.notify();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(told).toHaveLength(3);
    a.leave();
  });

  it('refuses a page whose configuration is not the one the host started with', async () => {
    const api = host.connect();
    await expect(api.init({ ...init, deviceId: 'another' })).rejects.toBeInstanceOf(UnsupportedError);
  });

  it('ends itself after a load left its engine memory grown for good (workerReplaced), so every page reconnects', async () => {
    let ended = 0;
    const failing = { load: async () => Promise.reject(new ModelTooLargeError('bad_alloc', { workerReplaced: true })) } as unknown as WorkerApi;
    const other = createSharedHost({ ...core, api: failing }, { lifeLock: 'life', scope, watchPage: () => undefined, onWorkerReplaced: () => ended++ });
    await expect(other.connect().load({ id: 'huge' })).rejects.toBeInstanceOf(ModelTooLargeError);
    expect(ended).toBe(1);
  });
});
