// What fits a backend, from the model's size alone, and the MODEL_TOO_LARGE error the engine
// makes of onnxruntime-web's allocation failures (messages as the runtime really printed them:
// the first from a 1 GiB single-file model in Chromium, the second from ORT's own model copy).
import { describe, expect, it } from 'vitest';
import { fitsBackend, modelTooLargeError, DATA_FILE_MAX, PREPACK_BELOW, WASM_MEMORY_MAX } from '../../src/engines/memory-limits.js';
import { isAllocationFailure, sessionError } from '../../src/engines/onnx-errors.js';
import { ModelTooLargeError, errorFromData } from '../../src/errors.js';
import { explainError } from '../../src/explain-error.js';

const GiB = 1024 ** 3;

describe('fitsBackend', () => {
  it('takes 1 GiB on WASM, not 2 GiB (the weights and their prepacked copy in 4 GiB of wasm32 memory)', () => {
    expect(fitsBackend(1 * GiB, 'wasm')).toEqual({ ok: true });
    const verdict = fitsBackend(2 * GiB, 'wasm');
    expect(verdict).toMatchObject({ ok: false, reason: 'wasm-memory' });
    if (!verdict.ok) expect(verdict.limit).toBeLessThan(WASM_MEMORY_MAX / 2);
    expect(fitsBackend(2 * GiB, 'wasm', { prepacked: false })).toEqual({ ok: true });
  });

  it('takes a model opened without prepacking (from PREPACK_BELOW) up to about 2.5 GiB on WASM', () => {
    expect(PREPACK_BELOW).toBe(64 * 1024 ** 2);
    const twoGiB = 2 * 1024 ** 3;
    expect(fitsBackend(twoGiB, 'wasm', { externalData: true, largestFile: twoGiB / 2 }).ok).toBe(false);
    expect(fitsBackend(twoGiB, 'wasm', { externalData: true, largestFile: twoGiB / 2, prepacked: false }).ok).toBe(true);
    expect(fitsBackend(3 * 1024 ** 3, 'wasm', { externalData: true, largestFile: 1024 ** 3, prepacked: false }).ok).toBe(false);
  });

  it('leaves WebGPU to the device, but no one file may pass 4 GiB on any backend', () => {
    expect(fitsBackend(3 * GiB, 'webgpu', { externalData: true, largestFile: 2 * GiB })).toEqual({ ok: true });
    expect(fitsBackend(5 * GiB, 'webgpu')).toMatchObject({ ok: false, reason: 'file-size', limit: DATA_FILE_MAX });
  });
});

describe('MODEL_TOO_LARGE', () => {
  const attempt = { id: 'big', bytes: 1 * GiB, backend: 'wasm' as const, externalData: false };

  it("an allocation failure names the bytes, the limit and what to try, keeping the engine's words last", () => {
    const error = sessionError(new Error("Can't create a session. ERROR_CODE: 6, ERROR_MESSAGE: std::bad_alloc"), attempt);
    expect(error).toBeInstanceOf(ModelTooLargeError);
    const e = error as ModelTooLargeError;
    expect(e.code).toBe('MODEL_TOO_LARGE');
    expect(e.message).toMatch(/^model "big" is 1\.00 GiB, too large for wasm here: .*\(limit 4\.00 GiB\)\. Try the WebGPU backend.*smaller variant.*Engine: .*std::bad_alloc$/);
    expect(e.details).toMatchObject({ bytes: GiB, limit: WASM_MEMORY_MAX, backend: 'wasm' });
    expect(isAllocationFailure(new Error("Can't create a session. failed to allocate a buffer of size 1073741945."))).toBe(true);
    expect(isAllocationFailure(new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded'))).toBe(true);
  });

  it('other session failures pass through as they were', () => {
    const other = new Error("Can't create a session. ERROR_CODE: 10, ERROR_MESSAGE: Load model failed: protobuf parsing failed");
    expect(sessionError(other, attempt)).toBe(other);
  });

  it('the hint never suggests what just failed, also after crossing to the page', () => {
    const onWebgpu = modelTooLargeError({ ...attempt, backend: 'webgpu', externalData: true, reason: 'engine-allocation', why: 'out of GPU memory' });
    const explained = explainError(errorFromData(onWebgpu.toData()));
    expect(explained.title).toBe('The model is too large for this device');
    const tried = explained.hint.slice(explained.hint.indexOf('Try '));
    expect(tried).not.toMatch(/WebGPU|external data/i);
    expect(tried).toMatch(/smaller variant/);
    const onWasm = explainError(errorFromData(sessionError(new Error('std::bad_alloc'), attempt) as ModelTooLargeError));
    expect(onWasm.hint).toMatch(/1024 MiB.*WASM.*WebGPU backend/);
  });
});
