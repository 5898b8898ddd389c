/**
 * A model no planned backend can hold is refused from the manifest alone: MODEL_TOO_LARGE naming
 * its bytes, the limit and what to try, before a byte of it is downloaded or stored — in the
 * real host, against the real fetch and a loopback server whose manifest lists a 3 GiB model.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DetectedCapabilities } from '../../src/capabilities.js';
import { createHost, defaultHostDeps } from '../../src/host/host.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { createMemoryDeviceState } from '../../src/state/device-state.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { startModelServer, type ModelServer } from '../fixtures/model-server.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';

const GiB = 1024 ** 3;
const sha = 'a'.repeat(64);
const huge: Manifest = {
  schemaVersion: 1,
  models: [
    {
      id: 'huge',
      format: 'onnx',
      inputs: [{ name: 'x', dtype: 'float32', dims: [1, 'n'] }],
      outputs: [{ name: 'y', dtype: 'float32', dims: [1, 'm'] }],
      versions: [
        {
          version: '1.0.0',
          variants: [
            {
              precision: 'fp32',
              files: [
                { url: 'huge/model.onnx', bytes: 1_000, sha256: sha },
                { url: 'huge/model.onnx_data', bytes: 1.5 * GiB, sha256: sha },
                { url: 'huge/model.onnx_data_1', bytes: 1.5 * GiB, sha256: sha },
              ],
            },
          ],
        },
      ],
    },
  ],
};

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
  server.override('/models/manifest.json', (res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(huge));
    return true;
  });
});
afterAll(() => server.close());

const wasmOnly: DetectedCapabilities = { webgpu: false, softwareAdapter: false, wasmSimd: true, wasmThreads: false, hardwareConcurrency: 2, webgpuReason: 'none here' };

it('refuses a model too large for WASM before downloading it, and says what to try', async () => {
  const store = createMemoryStore();
  const host = createHost({ ...defaultHostDeps, engineFiles: nodeEngineFiles, openStore: () => store, openState: () => createMemoryDeviceState(), detect: async () => wasmOnly });
  await host.init({ manifestUrl: `${server.url}/models/manifest.json`, storeName: 'unused' });
  const error = await host.load({ id: 'huge', backend: 'wasm' }).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'MODEL_TOO_LARGE', details: { bytes: 3 * GiB + 1_000, backend: 'wasm', externalData: true } });
  expect((error as Error).message).toMatch(/3\.00 GiB.*WebGPU/);
  expect((error as { details: { limit: number } }).details.limit).toBeLessThan(3 * GiB);
  expect(server.requests.filter((p) => p.includes('huge/'))).toEqual([]);
  expect(await store.list()).toEqual([]);
});
