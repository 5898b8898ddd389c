/**
 * Which failed loads retire the worker (src/host/worker-replacement.ts): onnxruntime-web's own
 * allocation failure, met for real here on a model that declares a tensor no wasm32 heap can hold
 * (test/fixtures/unallocatable-model.ts), and none of the size checks made before a download.
 * What the page does with the error is e2e/worker-replaced-after-oom.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import { modelTooLargeError } from '../../src/engines/memory-limits.js';
import { createOnnxEngine } from '../../src/engines/onnx.js';
import { ModelTooLargeError, UnsupportedError } from '../../src/errors.js';
import type { ModelSpec } from '../../src/manifest/schema.js';
import { replacesWorker, withWorkerReplaced } from '../../src/host/worker-replacement.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';
import { UNALLOCATABLE_DATA, unallocatableModel } from '../fixtures/unallocatable-model.js';

const attempt = { id: 'm', bytes: 3 * 1024 ** 3, backend: 'wasm' as const, externalData: true, why: 'w' };

describe('worker replacement', () => {
  it('the engine running out of memory replaces the worker; refusals before a download do not', () => {
    expect(replacesWorker(modelTooLargeError({ ...attempt, reason: 'engine-allocation', cause: 'std::bad_alloc' }))).toBe(true);
    for (const reason of ['wasm-memory', 'file-size', 'gpu-buffer'] as const) expect(replacesWorker(modelTooLargeError({ ...attempt, reason }))).toBe(false);
    expect(replacesWorker(new UnsupportedError('std::bad_alloc'))).toBe(false);
    expect(replacesWorker(new Error('std::bad_alloc'))).toBe(false);
  });

  it('the error says so, in its message and details, and keeps what it said before', () => {
    const before = modelTooLargeError({ ...attempt, reason: 'engine-allocation', cause: 'std::bad_alloc' });
    const after = withWorkerReplaced(before);
    expect(after).toBeInstanceOf(ModelTooLargeError);
    expect(after.message.startsWith(before.message)).toBe(true);
    expect(after.message).toMatch(/worker is replaced/);
    expect(after.details).toEqual({ ...before.details, workerReplaced: true });
  });

  it("onnxruntime-web's own allocation failure on a tensor no heap can hold is one that replaces the worker", async () => {
    const { graph, data } = unallocatableModel();
    const spec = { id: 'unallocatable', format: 'onnx', inputs: [], outputs: [], versions: [] } as unknown as ModelSpec;
    const files = [
      { url: 'https://x.example/m/model.onnx', bytes: graph },
      { url: `https://x.example/m/${UNALLOCATABLE_DATA}`, bytes: data },
    ];
    const error = await createOnnxEngine()
      .create(spec, files, 'wasm', { files: nodeEngineFiles(), wasmThreads: 1 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MODEL_TOO_LARGE', details: { reason: 'engine-allocation', cause: expect.stringMatching(/bad_alloc/) } });
    expect(replacesWorker(error)).toBe(true);
  }, 60_000);
});
