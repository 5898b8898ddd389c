/**
 * Waiting between attempts at the same URL: a server that just cut a connection is often
 * overloaded, and reconnecting at once (five times in a row) adds to its load and tends to be
 * cut again. Exponential with jitter, so tabs cut together do not come back together; capped,
 * so a resume never waits longer than `maxMs`; abortable, so a cancelled load does not sit out
 * the wait.
 */
import { AbortedError } from '../errors.js';

export interface Backoff {
  /** The first wait's upper bound (ms); each further attempt doubles it. */
  baseMs: number;
  /** No wait is longer than this (ms). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 250, maxMs: 8_000 };

/**
 * The wait before retry number `attempt` (0 for the first): "equal jitter" — half the capped
 * exponential step fixed, half random — so waits still grow while no two clients agree.
 */
export function backoffDelay(attempt: number, policy: Backoff = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return step / 2 + random() * (step / 2);
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** setTimeout as a promise that rejects with AbortedError as soon as `signal` aborts. */
export const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    const aborted = () => new AbortedError('cancelled while waiting to retry', {});
    if (signal?.aborted) return reject(aborted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
