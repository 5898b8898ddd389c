/**
 * Abort signals and time limits for calls that cross to the worker. The page rejects at once
 * (ABORTED or TIMEOUT) and tells the worker, which drops the call if it is still queued or
 * stops its download; a run already inside an engine cannot be interrupted and just finishes.
 */
import { AbortedError, TimeoutError, type EdgeServeError } from '../errors.js';

export interface CancelOptions {
  signal?: AbortSignal;
  /** Rejects with TIMEOUT after this many milliseconds. */
  timeoutMs?: number;
}

export type CancelReason = 'aborted' | 'timeout';

export function cancellable<T>(what: string, start: () => Promise<T>, options: CancelOptions, onCancel: (reason: CancelReason) => void): Promise<T> {
  const { signal, timeoutMs } = options;
  if (signal?.aborted) return Promise.reject(new AbortedError(`${what} was aborted before it started`));
  if (!signal && timeoutMs === undefined) return start();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const cancel = (reason: CancelReason, error: EdgeServeError) => {
      if (settled) return;
      settled = true;
      cleanup();
      onCancel(reason);
      reject(error);
    };
    const onAbort = () => cancel('aborted', new AbortedError(`${what} was aborted`));
    const timer =
      timeoutMs === undefined ? undefined : setTimeout(() => cancel('timeout', new TimeoutError(`${what} did not finish within ${timeoutMs} ms`, { timeoutMs })), timeoutMs);
    const cleanup = () => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    start().then(
      (value) => {
        if (settled) return;
        settled = true;
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        cleanup();
        reject(error);
      },
    );
  });
}
