/**
 * The memory budget holds for what the engine runs, not only for each call: a merged batch of
 * calls that each fit must not become one run over the budget. Real host, real onnxruntime-web
 * (WASM, Node) and ocr-cls; the engine's run is wrapped only to record what it was given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectedCapabilities } from '../../src/capabilities.js';
import { defaultEngines } from '../../src/engines/registry.js';
import { BadInputError } from '../../src/errors.js';
import { createHost, defaultHostDeps } from '../../src/host/host.js';
import type { TensorMap, WorkerApi } from '../../src/protocol.js';
import { createMemoryDeviceState } from '../../src/state/device-state.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { startModelServer, type ModelServer } from '../fixtures/model-server.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';
import { wrapEngineRun } from '../fixtures/wrap-engine-run.js';

const wasmOnly: DetectedCapabilities = { webgpu: false, softwareAdapter: false, wasmSimd: true, wasmThreads: false, hardwareConcurrency: 2 };
const ROW_BYTES = 3 * 48 * 192 * 4;
const FACTOR = 32;
/** Room for three ocr-cls rows per run, not four. */
const budget = { maxBytes: 3.5 * ROW_BYTES * FACTOR, bytesPerInputByte: FACTOR };

let server: ModelServer;
let host: WorkerApi;
/** Input bytes of every run the engine was given. */
const runs: number[] = [];
const bytesOf = (inputs: TensorMap) => Object.values(inputs).reduce((n, t) => n + t.data.byteLength, 0);

beforeAll(async () => {
  server = await startModelServer();
  const engines = {
    ...defaultEngines,
    onnx: async () => wrapEngineRun(await defaultEngines.onnx(), (run, inputs) => (runs.push(bytesOf(inputs)), run(inputs))),
  };
  host = createHost({
    ...defaultHostDeps,
    engines,
    engineFiles: nodeEngineFiles,
    openStore: () => createMemoryStore(),
    openState: () => createMemoryDeviceState(),
    detect: async () => wasmOnly,
  });
  await host.init({ manifestUrl: `${server.url}/models/manifest.json`, storeName: 'unused', memoryBudget: budget });
});
afterAll(() => server.close());

const rows = (n: number, value = 1): TensorMap => ({ x: { dtype: 'float32', dims: [n, 3, 48, 192], data: new Float32Array(n * 3 * 48 * 192).fill(value) } });

describe('memory budget with batching', () => {
  it('splits a batch whose merged run would exceed the budget; every caller still gets its answer', async () => {
    const info = await host.load({ id: 'ocr-cls', backend: 'wasm', batching: { maxBatchSize: 8, maxQueueDelayUs: 50_000 } });
    runs.length = 0;
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => host.predict(info.handle, rows(1, i / 8))));
    expect(outcomes.map((o) => o.status)).toEqual(Array(8).fill('fulfilled'));
    for (const o of outcomes) expect((o as PromiseFulfilledResult<TensorMap>).value['softmax_0.tmp_0']!.dims).toEqual([1, 2]);
    expect(runs.length).toBeGreaterThan(1);
    for (const bytes of runs) expect(bytes * FACTOR).toBeLessThanOrEqual(budget.maxBytes);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(8 * ROW_BYTES);
    // Still batching: no run is a lone row while others wait (3 + 3 + 2).
    expect(runs.map((b) => b / ROW_BYTES)).toEqual([3, 3, 2]);
  });

  it('refuses only the call that alone is over the budget, with BAD_INPUT naming the budget', async () => {
    const info = await host.load({ id: 'ocr-cls', backend: 'wasm', batching: { maxBatchSize: 8, maxQueueDelayUs: 50_000 } });
    runs.length = 0;
    const outcomes = await Promise.allSettled([host.predict(info.handle, rows(1)), host.predict(info.handle, rows(4)), host.predict(info.handle, rows(2))]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const error = (outcomes[1] as PromiseRejectedResult).reason as BadInputError;
    expect(error).toBeInstanceOf(BadInputError);
    expect(error.message).toMatch(/memory budget/);
    for (const bytes of runs) expect(bytes * FACTOR).toBeLessThanOrEqual(budget.maxBytes);
  });
});
