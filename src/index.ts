/**
 * edgeserve: serve ML models on the user's own device. The public page-side API.
 * Every name is listed: a `export *` would publish whatever a module adds for the runtime's own
 * use (the error wire's helpers were, once). test/types/public-api.types.ts pins this list.
 */
export { createRuntime } from './client/runtime.js';
export type { CacheUsage, LoadOptions, ModelCache, Runtime, RuntimeInfo, RuntimeOptions } from './client/runtime.js';
export type { HostOption, HostReport } from './client/shared-host-link.js';
export type { SharedHostScope, SharedHostStats, SharedSessionStats } from './shared-host-protocol.js';
export type { Model, PredictOptions } from './client/model.js';
export type { WorkerFactory } from './client/worker-link.js';
export type { WatchdogOptions } from './client/watchdog.js';
export type {
  BackendChoice,
  BackendName,
  CachedModel,
  Capabilities,
  EngineName,
  LoadProgress,
  MemoryBudget,
  ModelInfo,
  BackendChoiceInfo,
  Tensor,
  TensorData,
  TensorMap,
} from './protocol.js';
export type {
  BatchingOptions,
  Dim,
  Manifest,
  ModelEntry,
  ModelSpec,
  Precision,
  TensorDtype,
  TensorSpec,
  VariantAgreement,
  VariantEntry,
  VersionEntry,
  VersionPolicy,
  OutputAgreementEntry,
} from './manifest/schema.js';
export type { Cohort } from './manifest/rollout.js';
export { cohortBucket } from './manifest/rollout.js';
export type { HistogramSnapshot, MetricsSnapshot, ModelMetrics } from './metrics/types.js';
export { toPrometheus } from './metrics/prometheus.js';
export type { CancelOptions } from './client/cancel.js';
export {
  AbortedError,
  BadInputError,
  DownloadFailedError,
  EdgeServeError,
  InferenceError,
  InferenceFailedError,
  IntegrityError,
  IntegrityMismatchError,
  ManifestInvalidError,
  ModelDisposedError,
  ModelNotFoundError,
  StorageError,
  StorageFailedError,
  TimeoutError,
  UnsupportedError,
  VariantNotFoundError,
  WorkerCrashedError,
  WorkerStartFailedError,
  WorkerStuckError,
  type ErrorCode,
} from './errors.js';
export { tensor } from './tensor.js';
export * from './tasks/index.js';
export { explainError, type ErrorExplanation } from './explain-error.js';
