/**
 * edgeserve: serve ML models on the user's own device. The public page-side API.
 */
export { createRuntime, defaultWorkerFactory } from './client/runtime.js';
export type { CacheUsage, LoadOptions, ModelCache, Runtime, RuntimeOptions } from './client/runtime.js';
export type { Model, PredictOptions } from './client/model.js';
export type { WorkerFactory } from './client/worker-link.js';
export type {
  BackendChoice,
  BackendName,
  CachedModel,
  Capabilities,
  EngineName,
  LoadProgress,
  ModelInfo,
  Tensor,
  TensorData,
  TensorMap,
} from './protocol.js';
export type { Dim, Manifest, ModelEntry, Precision, TensorDtype, TensorSpec, VariantEntry, VersionEntry } from './manifest/schema.js';
export * from './errors.js';
export { tensor } from './tensor.js';
export * from './tasks/index.js';
