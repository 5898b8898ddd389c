import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/errors.js';
import { validateCancelOptions, validateLoadOptions, validateRuntimeOptions } from '../../src/client/validate-options.js';

const refused = (attempt: () => void) => {
  try {
    attempt();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('option validation', () => {
  const runtime: [object, string][] = [
    [{ backend: 'cuda' }, 'backend'],
    [{ logLevel: 'loud' }, 'logLevel'],
    [{ wasmThreads: 0 }, 'wasmThreads'],
    [{ wasmThreads: 2.5 }, 'wasmThreads'],
    [{ downloadStallMs: -1 }, 'downloadStallMs'],
    [{ downloadStallMs: Infinity }, 'downloadStallMs'],
    [{ storeName: '' }, 'storeName'],
    [{ manifestUrl: 42 }, 'manifestUrl'],
    [{ persist: 'yes' }, 'persist'],
    [{ workerFactory: {} }, 'workerFactory'],
    [{ host: 'tab' }, 'host'],
    [{ watchdog: { warmFloorMs: -1 } }, 'watchdog.warmFloorMs'],
  ];
  for (const [options, option] of runtime) {
    it(`createRuntime refuses ${JSON.stringify(options)} with BAD_INPUT naming ${option}`, () => {
      const error = refused(() => validateRuntimeOptions(options));
      expect(error).toBeInstanceOf(BadInputError);
      expect(error).toMatchObject({ code: 'BAD_INPUT', details: { option } });
      expect((error as Error).message).toContain(`createRuntime option ${option}`);
    });
  }

  const load: [unknown, object, string][] = [
    ['m', { backend: 'cuda' }, 'backend'],
    ['m', { precision: 'fp64' }, 'precision'],
    ['m', { batching: { maxBatchSize: -5 } }, 'batching.maxBatchSize'],
    ['m', { batching: { maxQueueDelayUs: 1e12 } }, 'batching.maxQueueDelayUs'],
    ['m', { batching: true }, 'batching'],
    ['m', { timeoutMs: 0 }, 'timeoutMs'],
    ['m', { timeoutMs: 2 ** 31 }, 'timeoutMs'],
    ['m', { signal: 'stop' }, 'signal'],
    ['m', { version: 3 }, 'version'],
    ['', {}, 'id'],
  ];
  for (const [id, options, option] of load) {
    it(`load refuses ${JSON.stringify(options)} with BAD_INPUT naming ${option}`, () => {
      expect(refused(() => validateLoadOptions(id, options))).toMatchObject({ code: 'BAD_INPUT', details: { option } });
    });
  }

  it('accepts the defaults, sound values and options it does not know', () => {
    expect(() => validateRuntimeOptions({})).not.toThrow();
    expect(() =>
      validateRuntimeOptions({ backend: 'wasm', logLevel: 'warning', wasmThreads: 4, downloadStallMs: 10_000, manifestUrl: new URL('http://x/m.json'), somethingNew: 1 }),
    ).not.toThrow();
    expect(() => validateLoadOptions('m', { batching: { maxBatchSize: 8, maxQueueDelayUs: 2000 }, timeoutMs: 5000, signal: new AbortController().signal })).not.toThrow();
    expect(() => validateLoadOptions('m', { batching: false })).not.toThrow();
    expect(() => validateCancelOptions('predict', { timeoutMs: 1 })).not.toThrow();
  });
});
