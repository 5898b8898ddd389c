/**
 * The public API's surface, name by name: `npm run typecheck` fails when src/index.ts gains or
 * loses a value export without this list changing with it, so an internal (the error wire's
 * `errorFromData`, the default worker factory) cannot become public by accident. Type-only
 * exports cannot be enumerated by the compiler; test/public-api-surface.test.ts lists those.
 */
import type * as api from '../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_value?: T) => undefined;

type RuntimeValues = 'createRuntime' | 'tensor' | 'cohortBucket' | 'toPrometheus' | 'explainError';
type ErrorValues =
  | 'EdgeServeError'
  | 'AbortedError'
  | 'BadInputError'
  | 'DownloadFailedError'
  | 'InferenceFailedError'
  | 'IntegrityMismatchError'
  | 'ManifestInvalidError'
  | 'ModelDisposedError'
  | 'ModelNotFoundError'
  | 'StorageFailedError'
  | 'TimeoutError'
  | 'UnsupportedError'
  | 'VariantNotFoundError'
  | 'WorkerCrashedError'
  | 'WorkerStartFailedError'
  | 'WorkerStuckError'
  // Deprecated aliases, kept for existing code.
  | 'InferenceError'
  | 'IntegrityError'
  | 'StorageError';
type TaskValues =
  | 'loadOcr'
  | 'OCR_MODEL_IDS'
  | 'ctcDecode'
  | 'ctcDecodeWithScore'
  | 'dbBoxes'
  | 'readingOrder'
  | 'scaleBox'
  | 'unclip'
  | 'HALF'
  | 'IMAGENET_MEAN'
  | 'IMAGENET_STD'
  | 'imageToNchw'
  | 'imageToNhwc'
  | 'clsInput'
  | 'cropLine'
  | 'detInput'
  | 'detSize'
  | 'cropRgba'
  | 'resizeRgba'
  | 'rotate180';

export type PublicValues = RuntimeValues | ErrorValues | TaskValues;

assertType<Equal<keyof typeof api, PublicValues>>();

// Internals, named so that exporting one again fails here as well as above.
// @ts-expect-error the error wire's rebuild is internal
type NoErrorFromData = typeof api.errorFromData;
// @ts-expect-error internal
type NoToEdgeServeError = typeof api.toEdgeServeError;
// @ts-expect-error internal
type NoIsErrorCode = typeof api.isErrorCode;
// @ts-expect-error the wire's data shape is internal
type NoErrorData = api.ErrorData;
// @ts-expect-error the default worker is the runtime's own; pass workerFactory to replace it
type NoDefaultWorkerFactory = typeof api.defaultWorkerFactory;

export type Internals = [NoErrorFromData, NoToEdgeServeError, NoIsErrorCode, NoErrorData, NoDefaultWorkerFactory];
