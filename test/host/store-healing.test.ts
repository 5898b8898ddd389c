/**
 * Healing in the host, in Node against the real engine and the loopback server: a stored copy
 * whose bytes and stored hash were rewritten together is caught by the manifest's SHA-256 and
 * replaced; stored bytes that pass their hash but do not open are replaced on load.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectedCapabilities } from '../../src/capabilities.js';
import { createHost, defaultHostDeps } from '../../src/host/host.js';
import type { Manifest } from '../../src/manifest/schema.js';
import type { WorkerApi } from '../../src/protocol.js';
import { createMemoryDeviceState, type DeviceState } from '../../src/state/device-state.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { ModelStore } from '../../src/store/model-store.js';
import { publicDir, startModelServer, type ModelServer } from '../fixtures/model-server.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';

const wasmOnly: DetectedCapabilities = { webgpu: false, softwareAdapter: false, wasmSimd: true, wasmThreads: false, hardwareConcurrency: 1 };
const clsInput = () => ({ x: { dtype: 'float32' as const, dims: [1, 3, 48, 192], data: new Float32Array(3 * 48 * 192).map((_, i) => (i % 7) / 7) } });
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let server: ModelServer;
let manifest: Manifest;
let reference: number[];

async function hostOn(store: ModelStore, state: DeviceState = createMemoryDeviceState()): Promise<WorkerApi> {
  const host = createHost({ ...defaultHostDeps, engineFiles: nodeEngineFiles, openStore: () => store, openState: () => state, detect: async () => wasmOnly });
  await host.init({ manifestUrl: `${server.url}/models/manifest.json`, storeName: 'unused' });
  return host;
}
const probs = async (host: WorkerApi, handle: string) => [...((await host.predict(handle, clsInput()))['softmax_0.tmp_0']!.data as Float32Array)];

/** A store holding, as ocr-cls 1.0.0 fp32, other bytes with their own (matching) stored hash, pointed at. */
async function rewritten(bytes: Uint8Array): Promise<[ModelStore, DeviceState]> {
  const store = createMemoryStore();
  const { versions: _v, policy: _p, ...spec } = manifest.models.find((m) => m.id === 'ocr-cls')!;
  await store.write({ id: 'ocr-cls', version: '1.0.0', precision: 'fp32' }, [{ url: 'x', sha256: sha(bytes), bytes }], spec);
  const state = createMemoryDeviceState();
  await state.updatePointer('ocr-cls', 'fp32', () => ({ current: '1.0.0' }));
  return [store, state];
}

beforeAll(async () => {
  server = await startModelServer();
  manifest = JSON.parse(await readFile(`${publicDir}models/manifest.json`, 'utf8')) as Manifest;
  const clean = await hostOn(createMemoryStore());
  const info = await clean.load({ id: 'ocr-cls', backend: 'wasm' });
  reference = await probs(clean, info.handle);
});
afterAll(() => server.close());

describe('store healing in the host', () => {
  it('replaces a copy whose bytes and stored hash were rewritten together once the manifest says otherwise', async () => {
    // The int8 file opens and runs as the fp32 one would, with other weights: wrong answers, no error.
    const other = new Uint8Array(await readFile(`${publicDir}models/ocr-cls/1.0.0/ch_ppocr_mobile_v2.0_cls_infer.int8.onnx`));
    const [store, state] = await rewritten(other);
    const host = await hostOn(store, state);
    const info = await host.load({ id: 'ocr-cls', backend: 'wasm' });
    expect(info.fromCache).toBe(true);
    const before = await probs(host, info.handle);
    expect(before).not.toEqual(reference);
    const switched = await host.refresh('ocr-cls');
    expect(switched).toHaveLength(1);
    expect(switched[0]).toMatchObject({ version: '1.0.0', fromCache: false, repaired: [expect.stringMatching(/not the manifest's/)] });
    expect(await probs(host, info.handle)).toEqual(reference);
    const stored = await store.read({ id: 'ocr-cls', version: '1.0.0', precision: 'fp32' });
    expect(stored?.sha256).toEqual([manifest.models[0]!.versions[0]!.variants[0]!.files[0]!.sha256]);
  });

  it('replaces stored bytes that pass their hash but the engine cannot open, on load', async () => {
    const [store, state] = await rewritten(new TextEncoder().encode('not an onnx model, but its stored hash is right'));
    const host = await hostOn(store, state);
    const info = await host.load({ id: 'ocr-cls', backend: 'wasm' });
    expect(info).toMatchObject({ fromCache: false, repaired: [expect.stringMatching(/passed their hashes but could not be opened/)] });
    expect(await probs(host, info.handle)).toEqual(reference);
    // Healed for good: the next load is from the store, with nothing to repair.
    const again = await host.load({ id: 'ocr-cls', backend: 'wasm' });
    expect(again.fromCache).toBe(true);
    expect(again.repaired).toBeUndefined();
  });
});
