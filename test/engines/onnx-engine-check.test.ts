/**
 * A first visit's runtime is compiled from the one download while its bytes are checked
 * (engine-file-cache.ts): the real ONNX engine in Node hands out a session only once the check
 * passed, and never one from a runtime whose check failed, on that load or any later one.
 */
import { describe, expect, it } from 'vitest';
import type { EngineFileCache } from '../../src/engines/engine-file-cache.js';
import { createOnnxEngine, type OrtFlavours } from '../../src/engines/onnx.js';
import { IntegrityError } from '../../src/errors.js';
import type { ModelSpec } from '../../src/manifest/schema.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';
import { TINY_IN, tinyInput, tinyModelBytes } from '../fixtures/tiny-onnx-model.js';

const spec = { id: 'tiny', format: 'onnx' } as unknown as ModelSpec;
const files = () => [{ url: 'tiny.onnx', bytes: tinyModelBytes() }];

/** A file cache whose first download's check ends as `check` says (Node's build reads the file itself). */
function firstVisit(check: () => Promise<void>): EngineFileCache & { checks: number } {
  const cache = {
    checks: 0,
    wasm: async (url: string) => ({
      url,
      response: () => Promise.reject(new Error('not asked in Node')),
      verify: () => {
        cache.checks++;
        return check();
      },
    }),
    glue: async (url: string) => url,
    flush: async () => undefined,
    pending: () => false,
  };
  return cache;
}

describe('the ONNX engine on a first visit', () => {
  it('hands out a session once the .wasm it compiled passed its check', async () => {
    const fileCache = firstVisit(async () => undefined);
    const session = await createOnnxEngine().create(spec, files(), 'wasm', { files: nodeEngineFiles(), wasmThreads: 1, fileCache });
    const out = await session.run({ x: { dtype: 'float32', dims: [tinyInput().length / TINY_IN, TINY_IN], data: tinyInput() } });
    expect(Object.keys(out)).toHaveLength(1);
    expect(fileCache.checks).toBe(1);
    await session.dispose();
  });

  it('never hands out a session from a runtime whose check failed, then or on a later load', async () => {
    const mismatch = new IntegrityError('the engine file ort.wasm does not match its SHA-256', { url: 'ort.wasm', expected: 'a', actual: 'b' });
    const fileCache = firstVisit(() => Promise.reject(mismatch));
    const engine = createOnnxEngine();
    const context = { files: nodeEngineFiles(), wasmThreads: 1, fileCache };
    await expect(engine.create(spec, files(), 'wasm', context)).rejects.toBe(mismatch);
    await expect(engine.create(spec, files(), 'wasm', context)).rejects.toBe(mismatch);
    expect(fileCache.checks).toBe(1);
  });

  it('starts the runtime once: prepare, then the session', async () => {
    // Counted: sessions made on bytes too small to be the model, i.e. the one-node start-up model.
    let startUps = 0;
    const counting: OrtFlavours = {
      wasm: async () => {
        const ort = await import('../../src/engines/ort-wasm.js');
        const create = ort.InferenceSession.create.bind(ort.InferenceSession) as (...args: unknown[]) => Promise<unknown>;
        const InferenceSession = {
          create: (...args: unknown[]) => {
            if (args[0] instanceof Uint8Array && args[0].byteLength < 100) startUps++;
            return create(...args);
          },
        };
        return { ...ort, InferenceSession } as unknown as typeof ort;
      },
      jsep: () => Promise.reject(new Error('not used')),
    };
    for (const fileCache of [firstVisit(async () => undefined), undefined]) {
      startUps = 0;
      const engine = createOnnxEngine(counting);
      const context = { files: nodeEngineFiles(), wasmThreads: 1, ...(fileCache ? { fileCache } : {}) };
      await engine.prepare?.(context, 'wasm');
      const session = await engine.create(spec, files(), 'wasm', context);
      await session.dispose();
      expect(startUps).toBe(1);
    }
  });
});
