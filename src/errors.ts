/**
 * Typed errors with stable `code`s. They cross the worker boundary as plain data and are
 * rebuilt on the page as the same class (see error-wire.ts), so `instanceof` and
 * `err.code` work on either side. The README's "Errors" table documents every code.
 */

export type ErrorCode =
  | 'MANIFEST_INVALID'
  | 'MODEL_NOT_FOUND'
  | 'VARIANT_NOT_FOUND'
  | 'DOWNLOAD_FAILED'
  | 'INTEGRITY_MISMATCH'
  | 'UNSUPPORTED'
  | 'BAD_INPUT'
  | 'INFERENCE_FAILED'
  | 'MODEL_DISPOSED'
  | 'WORKER_CRASHED'
  | 'WORKER_STUCK'
  | 'WORKER_START_FAILED'
  | 'ABORTED'
  | 'TIMEOUT'
  | 'STORAGE_FAILED'
  | 'MODEL_TOO_LARGE';

export interface ErrorData {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export class EdgeServeError extends Error {
  override readonly name: string = 'EdgeServeError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }

  toData(): ErrorData {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
}

function errorClass<C extends ErrorCode>(code: C, name: string) {
  return class extends EdgeServeError {
    override readonly name = name;
    declare readonly code: C;
    constructor(message: string, details?: Record<string, unknown>) {
      super(code, message, details);
    }
  };
}

// Each class is named after its code (INTEGRITY_MISMATCH → IntegrityMismatchError), and `name` is that class name.
export class ManifestInvalidError extends errorClass('MANIFEST_INVALID', 'ManifestInvalidError') {}
export class ModelNotFoundError extends errorClass('MODEL_NOT_FOUND', 'ModelNotFoundError') {}
export class VariantNotFoundError extends errorClass('VARIANT_NOT_FOUND', 'VariantNotFoundError') {}
export class DownloadFailedError extends errorClass('DOWNLOAD_FAILED', 'DownloadFailedError') {}
export class IntegrityMismatchError extends errorClass('INTEGRITY_MISMATCH', 'IntegrityMismatchError') {}
export class UnsupportedError extends errorClass('UNSUPPORTED', 'UnsupportedError') {}
export class BadInputError extends errorClass('BAD_INPUT', 'BadInputError') {}
export class InferenceFailedError extends errorClass('INFERENCE_FAILED', 'InferenceFailedError') {}
export class ModelDisposedError extends errorClass('MODEL_DISPOSED', 'ModelDisposedError') {}
export class WorkerCrashedError extends errorClass('WORKER_CRASHED', 'WorkerCrashedError') {}
/** The watchdog found the worker stuck in a run (no answer within the bound) and replaced it. */
export class WorkerStuckError extends errorClass('WORKER_STUCK', 'WorkerStuckError') {}
export class WorkerStartFailedError extends errorClass('WORKER_START_FAILED', 'WorkerStartFailedError') {}
export class AbortedError extends errorClass('ABORTED', 'AbortedError') {}
export class TimeoutError extends errorClass('TIMEOUT', 'TimeoutError') {}
export class StorageFailedError extends errorClass('STORAGE_FAILED', 'StorageFailedError') {}
/**
 * The model cannot fit the planned backend's memory on this device. `details`: `bytes` (the
 * model's), `limit` (bytes the backend can take), `backend`, `externalData` (whether the model was
 * already split), `why`; the message says what to do instead.
 */
export class ModelTooLargeError extends errorClass('MODEL_TOO_LARGE', 'ModelTooLargeError') {}

/** @deprecated Use `IntegrityMismatchError` (same class; the old name is kept for existing code). */
export const IntegrityError = IntegrityMismatchError;
/** @deprecated Use `IntegrityMismatchError`. */
export type IntegrityError = IntegrityMismatchError;
/** @deprecated Use `InferenceFailedError` (same class; the old name is kept for existing code). */
export const InferenceError = InferenceFailedError;
/** @deprecated Use `InferenceFailedError`. */
export type InferenceError = InferenceFailedError;
/** @deprecated Use `StorageFailedError` (same class; the old name is kept for existing code). */
export const StorageError = StorageFailedError;
/** @deprecated Use `StorageFailedError`. */
export type StorageError = StorageFailedError;

/** A registry, not an if-chain: code → class, used to rebuild errors on the page. */
const classByCode: Record<ErrorCode, new (message: string, details?: Record<string, unknown>) => EdgeServeError> = {
  MANIFEST_INVALID: ManifestInvalidError,
  MODEL_NOT_FOUND: ModelNotFoundError,
  VARIANT_NOT_FOUND: VariantNotFoundError,
  DOWNLOAD_FAILED: DownloadFailedError,
  INTEGRITY_MISMATCH: IntegrityMismatchError,
  UNSUPPORTED: UnsupportedError,
  BAD_INPUT: BadInputError,
  INFERENCE_FAILED: InferenceFailedError,
  MODEL_DISPOSED: ModelDisposedError,
  WORKER_CRASHED: WorkerCrashedError,
  WORKER_STUCK: WorkerStuckError,
  WORKER_START_FAILED: WorkerStartFailedError,
  ABORTED: AbortedError,
  TIMEOUT: TimeoutError,
  STORAGE_FAILED: StorageFailedError,
  MODEL_TOO_LARGE: ModelTooLargeError,
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in classByCode;
}

export function errorFromData(data: ErrorData): EdgeServeError {
  const ErrorClass = classByCode[data.code];
  return new ErrorClass(data.message, data.details);
}

/** Anything thrown becomes an EdgeServeError; engine errors keep their message. */
export function toEdgeServeError(error: unknown, fallback: ErrorCode = 'INFERENCE_FAILED'): EdgeServeError {
  if (error instanceof EdgeServeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return errorFromData({ code: fallback, message });
}
