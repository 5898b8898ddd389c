/**
 * onnxruntime-web's ways of saying "out of memory", turned into MODEL_TOO_LARGE so a user never
 * reads `std::bad_alloc`. Each pattern is one the runtime really produces:
 * - `std::bad_alloc`: the C++ side's allocation failed (the wasm32 memory cannot grow further).
 * - "failed to allocate a buffer of size N": onnxruntime-web's own `_malloc` of the model bytes.
 * - "Out of memory" / "Cannot enlarge memory": Emscripten's heap growth refused.
 * - RangeError from `WebAssembly.Memory.grow` or an ArrayBuffer the browser will not allocate.
 */
import { EdgeServeError } from '../errors.js';
import type { BackendName } from '../protocol.js';
import { modelTooLargeError, WASM_MEMORY_MAX } from './memory-limits.js';

const ALLOCATION_FAILURE =
  /std::bad_alloc|failed to allocate a buffer|out of memory|cannot enlarge memory|Maximum memory size exceeded|Array buffer allocation failed|WebAssembly\.Memory/i;

export function isAllocationFailure(error: unknown): boolean {
  if (error instanceof EdgeServeError) return false;
  const message = error instanceof Error ? error.message : String(error);
  return ALLOCATION_FAILURE.test(message) || (error instanceof RangeError && /memory|allocat/i.test(message));
}

export interface LoadAttempt {
  id: string;
  bytes: number;
  backend: BackendName;
  externalData: boolean;
}

/** The error to throw for a failed session: MODEL_TOO_LARGE for an allocation failure, else as it was. */
export function sessionError(error: unknown, attempt: LoadAttempt): unknown {
  if (!isAllocationFailure(error)) return error;
  const cause = error instanceof Error ? error.message : String(error);
  return modelTooLargeError({
    ...attempt,
    reason: 'engine-allocation',
    ...(attempt.backend === 'wasm' ? { limit: WASM_MEMORY_MAX } : {}),
    why: attempt.backend === 'wasm' ? 'onnxruntime-web ran out of WebAssembly memory building its session' : 'onnxruntime-web could not allocate the memory its session needs',
    cause,
  });
}
