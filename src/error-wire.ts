/**
 * Typed errors across the worker boundary without touching Comlink's global transfer handlers
 * (another Comlink user on the same page keeps Comlink's own error handling). The worker's API
 * throws an EdgeServeError as a tagged plain value, which Comlink passes through as it passes
 * any non-Error throwable; only edgeserve's page side rebuilds it into the same class.
 * Everything else thrown (a TypeError from an engine) is left to Comlink as it is.
 */
import { EdgeServeError, errorFromData, isErrorCode, type ErrorData } from './errors.js';

const TAG = 'edgeserve.error';

/** What crosses the boundary in place of an EdgeServeError: structured-cloneable data. */
export interface TaggedError {
  [TAG]: ErrorData;
}

function isTaggedError(value: unknown): value is TaggedError {
  if (typeof value !== 'object' || value === null || !(TAG in value)) return false;
  const data = (value as TaggedError)[TAG];
  return typeof data === 'object' && data !== null && isErrorCode(data.code) && typeof data.message === 'string';
}

/** Worker side: an EdgeServeError becomes its tagged data; anything else is returned as it is. */
export function tagError(error: unknown): unknown {
  return error instanceof EdgeServeError ? ({ [TAG]: error.toData() } satisfies TaggedError) : error;
}

/** Page side: tagged data becomes the same EdgeServeError class again; anything else as it is. */
function untagError(error: unknown): unknown {
  return isTaggedError(error) ? errorFromData(error[TAG]) : error;
}

/** Page side, for a call's `.catch`: rethrows what the worker threw, typed again. */
export function rethrowTyped(error: unknown): never {
  throw untagError(error);
}

type AnyFunction = (...args: never[]) => unknown;

/** Worker side: the same API whose methods throw EdgeServeErrors tagged (see `tagError`). */
export function withTaggedErrors<T extends object>(api: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(api)) {
    if (typeof value !== 'function') {
      wrapped[key] = value;
      continue;
    }
    const method = value as AnyFunction;
    wrapped[key] = async (...args: never[]) => {
      try {
        return await method.apply(api, args);
      } catch (error) {
        throw tagError(error);
      }
    };
  }
  return wrapped as T;
}
