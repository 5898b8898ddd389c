/**
 * Typed errors survive a real Comlink round trip over a real MessageChannel, without touching
 * Comlink's global transfer handlers: a second Comlink channel in the same process keeps
 * Comlink's own error handling.
 */
import { expose, transferHandlers, wrap } from 'comlink';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { rethrowTyped, withTaggedErrors } from '../src/error-wire.js';
import * as errors from '../src/errors.js';
import { BadInputError, EdgeServeError, errorFromData, IntegrityMismatchError, toEdgeServeError, type ErrorCode } from '../src/errors.js';

interface Api {
  bad(): void;
  integrity(): Promise<void>;
  plain(): void;
  ok(): number;
}

const api: Api = {
  bad: () => {
    throw new BadInputError('input "x" is wrong', { input: 'x' });
  },
  integrity: async () => {
    throw new IntegrityMismatchError('hash differs');
  },
  plain: () => {
    throw new TypeError('engine exploded');
  },
  ok: () => 42,
};

function channel(exposed: object) {
  const { port1, port2 } = new MessageChannel();
  expose(exposed, port1 as never);
  return { remote: wrap<Api>(port2 as never), close: () => (port1.close(), port2.close()) };
}

describe('errors across the worker boundary', () => {
  const builtinThrow = transferHandlers.get('throw');
  const ours = channel(withTaggedErrors(api));
  // The page side of edgeserve: every call's rejection goes through rethrowTyped.
  const call = <T>(work: () => Promise<T>) => work().catch(rethrowTyped);

  it('rebuilds our errors as the same class with code and details', async () => {
    const error = await call(() => ours.remote.bad()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect(error).toBeInstanceOf(EdgeServeError);
    expect(error).toMatchObject({ code: 'BAD_INPUT', name: 'BadInputError', message: 'input "x" is wrong', details: { input: 'x' } });
    await expect(call(() => ours.remote.integrity())).rejects.toBeInstanceOf(IntegrityMismatchError);
    expect(await call(() => ours.remote.ok())).toBe(42);
  });

  it('keeps other errors as errors with their name and message', async () => {
    const error = await call(() => ours.remote.plain()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'TypeError', message: 'engine exploded' });
  });

  it("leaves Comlink's own 'throw' handler alone, so another Comlink user keeps its errors", async () => {
    expect(transferHandlers.get('throw')).toBe(builtinThrow);
    // A neighbour on the same Comlink module, using none of edgeserve's wrappers.
    const neighbour = channel(api);
    const plain = await neighbour.remote.plain().catch((e: unknown) => e);
    expect(plain).toMatchObject({ name: 'TypeError', message: 'engine exploded' });
    const bad = await neighbour.remote.bad().catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Error);
    expect(bad).toMatchObject({ message: 'input "x" is wrong' });
    neighbour.close();
    ours.close();
  });

  it('wraps foreign throwables with a fallback code', () => {
    expect(toEdgeServeError('boom')).toMatchObject({ code: 'INFERENCE_FAILED', message: 'boom' });
    expect(toEdgeServeError(new Error('x'), 'STORAGE_FAILED').code).toBe('STORAGE_FAILED');
  });
});

describe('error class names', () => {
  const codes: ErrorCode[] = [
    'MANIFEST_INVALID',
    'MODEL_NOT_FOUND',
    'VARIANT_NOT_FOUND',
    'DOWNLOAD_FAILED',
    'INTEGRITY_MISMATCH',
    'UNSUPPORTED',
    'BAD_INPUT',
    'INFERENCE_FAILED',
    'MODEL_DISPOSED',
    'WORKER_CRASHED',
    'WORKER_START_FAILED',
    'ABORTED',
    'TIMEOUT',
    'STORAGE_FAILED',
    'MODEL_TOO_LARGE',
  ];
  const pascal = (code: string) => code.toLowerCase().replace(/(^|_)([a-z])/g, (_, _u: string, c: string) => c.toUpperCase());

  it('names each class after its code, and `name` is the exported class name', () => {
    for (const code of codes) {
      const error = errorFromData({ code, message: 'm' });
      const className = `${pascal(code)}Error`;
      expect(error.name, code).toBe(className);
      expect(error, code).toBeInstanceOf((errors as unknown as Record<string, new () => Error>)[className]!);
    }
  });

  it('keeps the old names as aliases of the same classes', () => {
    expect(errors.IntegrityError).toBe(errors.IntegrityMismatchError);
    expect(errors.InferenceError).toBe(errors.InferenceFailedError);
    expect(errors.StorageError).toBe(errors.StorageFailedError);
    expect(new errors.StorageError('x').name).toBe('StorageFailedError');
  });
});
