/** Typed errors survive a real Comlink round trip over a real MessageChannel. */
import { expose, wrap } from 'comlink';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { installErrorTransfer } from '../src/error-transfer.js';
import { BadInputError, EdgeServeError, IntegrityError, toEdgeServeError } from '../src/errors.js';

describe('errors across the worker boundary', () => {
  installErrorTransfer();
  const { port1, port2 } = new MessageChannel();
  expose(
    {
      bad: () => {
        throw new BadInputError('input "x" is wrong', { input: 'x' });
      },
      integrity: async () => {
        throw new IntegrityError('hash differs');
      },
      plain: () => {
        throw new TypeError('engine exploded');
      },
    },
    port1 as never,
  );
  const remote = wrap<{ bad(): void; integrity(): Promise<void>; plain(): void }>(port2 as never);

  it('rebuilds our errors as the same class with code and details', async () => {
    const error = await remote.bad().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect(error).toBeInstanceOf(EdgeServeError);
    expect(error).toMatchObject({ code: 'BAD_INPUT', name: 'BadInputError', message: 'input "x" is wrong', details: { input: 'x' } });
    await expect(remote.integrity()).rejects.toBeInstanceOf(IntegrityError);
  });

  it('keeps other errors as errors with their name and message', async () => {
    const error = await remote.plain().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'TypeError', message: 'engine exploded' });
    port1.close();
    port2.close();
  });

  it('wraps foreign throwables with a fallback code', () => {
    expect(toEdgeServeError('boom')).toMatchObject({ code: 'INFERENCE_FAILED', message: 'boom' });
    expect(toEdgeServeError(new Error('x'), 'STORAGE_FAILED').code).toBe('STORAGE_FAILED');
  });
});
