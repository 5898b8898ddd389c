/**
 * The worker host in Node, for real: onnxruntime-web's WASM engine, the real fetch against a
 * loopback server of public/, and the in-memory store. Node's onnxruntime-web has no WebGPU,
 * so a device that claims a hardware adapter exercises the real "session creation failed on
 * WebGPU → WASM" fallback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectedCapabilities } from '../../src/capabilities.js';
import { BadInputError } from '../../src/errors.js';
import { createHost, defaultHostDeps } from '../../src/host/host.js';
import type { LoadProgress, WorkerApi } from '../../src/protocol.js';
import { createMemoryDeviceState } from '../../src/state/device-state.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { startModelServer, type ModelServer } from '../fixtures/model-server.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';

const hardwareGpu: DetectedCapabilities = { webgpu: true, adapter: 'test vendor gpu', softwareAdapter: false, wasmSimd: true, wasmThreads: false, hardwareConcurrency: 2 };

let server: ModelServer;
let host: WorkerApi;
const store = createMemoryStore();
const state = createMemoryDeviceState();

beforeAll(async () => {
  server = await startModelServer();
  host = createHost({ ...defaultHostDeps, engineFiles: nodeEngineFiles, openStore: () => store, openState: () => state, detect: async () => hardwareGpu });
  await host.init({ manifestUrl: `${server.url}/models/manifest.json`, storeName: 'unused' });
});
afterAll(() => server.close());

const clsInput = () => ({ x: { dtype: 'float32' as const, dims: [1, 3, 48, 192], data: new Float32Array(3 * 48 * 192).fill(1) } });

describe('host', () => {
  it('downloads with progress, falls back from a failing WebGPU session to WASM, then predicts', async () => {
    const progress: LoadProgress[] = [];
    const info = await host.load({ id: 'ocr-cls', backend: 'auto' }, (p) => progress.push(p));
    expect(info).toMatchObject({ id: 'ocr-cls', engine: 'onnx', backend: 'wasm', fromCache: false, stored: true, fallback: { from: 'webgpu' } });
    expect(info.fallback?.reason).toMatch(/webgpu/i);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['manifest', 'cache', 'download', 'store', 'compile', 'ready']));
    const out = await host.predict(info.handle, clsInput());
    const probs = out['softmax_0.tmp_0']!.data as Float32Array;
    expect(probs[0]! + probs[1]!).toBeCloseTo(1, 5);
  });

  it('serves the second load from the store with no model request', async () => {
    const before = server.requests.filter((r) => r.endsWith('.onnx')).length;
    const info = await host.load({ id: 'ocr-cls', backend: 'wasm' });
    expect(info.fromCache).toBe(true);
    expect(info.fallback).toBeUndefined();
    expect(server.requests.filter((r) => r.endsWith('.onnx')).length).toBe(before);
  });

  it('rejects bad input with BAD_INPUT and keeps serving', async () => {
    const info = await host.load({ id: 'ocr-cls', backend: 'wasm' });
    await expect(host.predict(info.handle, { x: { dtype: 'float32', dims: [1, 3, 48], data: new Float32Array(144) } })).rejects.toBeInstanceOf(BadInputError);
    await expect(host.predict(info.handle, clsInput())).resolves.toHaveProperty(['softmax_0.tmp_0']);
  });

  it('says MODEL_DISPOSED for a handle it no longer has', async () => {
    const info = await host.load({ id: 'ocr-cls', backend: 'wasm' });
    await host.unload(info.handle);
    await expect(host.predict(info.handle, clsInput())).rejects.toMatchObject({ code: 'MODEL_DISPOSED' });
  });

  it('lists and deletes what it stored', async () => {
    expect((await host.listCached()).map((m) => m.id)).toEqual(['ocr-cls']);
    expect(await host.deleteCached('ocr-cls')).toBe(1);
    expect(await host.listCached()).toEqual([]);
  });
});
