/**
 * Loads that leave the worker unfit to go on, and the error that tells the page to replace it.
 *
 * onnxruntime-web ran out of memory building a session (MODEL_TOO_LARGE, reason
 * `engine-allocation`, onnx-errors.ts): its WebAssembly memory grew on the way, up to the 4 GiB a
 * wasm32 heap can have, and WebAssembly memory never shrinks. The worker would hold those
 * gigabytes for as long as it lives, and every later model would open in what is left. So the
 * error says `details.workerReplaced: true`, and the page's WorkerLink retires the worker when it
 * reads that: the next call starts a new one, where the page's other models load again from the
 * device's store (as after a crash).
 */
import { ModelTooLargeError } from '../errors.js';

/** Whether `error`, failing a load, leaves the worker holding memory it can never give back. */
export function replacesWorker(error: unknown): error is ModelTooLargeError {
  return error instanceof ModelTooLargeError && error.details?.reason === 'engine-allocation';
}

/** `error` saying that the worker is replaced (the page acts on `details.workerReplaced`). */
export function withWorkerReplaced(error: ModelTooLargeError): ModelTooLargeError {
  return new ModelTooLargeError(
    `${error.message} The runtime worker is replaced (its WebAssembly memory never shrinks): pending calls on it were rejected, the next call starts a new worker, and models already loaded load again from the device.`,
    { ...error.details, workerReplaced: true },
  );
}
