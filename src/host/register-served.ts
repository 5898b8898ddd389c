/**
 * Registering a loaded model: its batching policy, the `ModelInfo` the page sees, and the
 * served copy (session + batcher + in-use lock) under a new handle; the load is counted.
 */
import { canBatch } from './batch-tensors.js';
import type { BatchPolicy } from './batcher.js';
import type { BatchingOptions, ModelSpec, Precision } from '../manifest/schema.js';
import type { BackendName, ModelInfo, WorkerLoadRequest } from '../protocol.js';
import type { ChosenBytes } from './choose-bytes.js';
import type { HostParts } from './host-parts.js';
import type { OpenedModel } from './open-session.js';
import { ServedModel } from './served-model.js';

/**
 * Batching is on where the model can batch and someone asked for it (the load's `batching`
 * or the manifest's); with neither, it is on for WebGPU only. On WASM it stays opt-in: in
 * repeated runs of the batching bench (threaded WASM), merged-vs-unbatched throughput landed on
 * both sides of parity for the same model from one run to the next — CPU kernels are already
 * busy at batch 1, so merging shows no gain that holds (docs/operations.md, micro-batching).
 */
export function batchPolicy(spec: ModelSpec, requested: false | BatchingOptions | undefined, backend: BackendName): BatchPolicy {
  const fromManifest = spec.batching === false ? undefined : spec.batching;
  const asked = requested !== undefined || spec.batching !== undefined;
  const enabled = requested !== false && spec.batching !== false && canBatch(spec) && (asked || backend === 'webgpu');
  const options = requested === false ? undefined : requested;
  return {
    enabled,
    maxBatchSize: enabled ? (options?.maxBatchSize ?? fromManifest?.maxBatchSize ?? 8) : 1,
    maxQueueDelayUs: enabled ? (options?.maxQueueDelayUs ?? fromManifest?.maxQueueDelayUs ?? 0) : 0,
  };
}

export interface Registration {
  request: WorkerLoadRequest;
  precision: Precision;
  chosen: ChosenBytes;
  model: OpenedModel;
  repaired: string[];
  startedAt: number;
  onSwitch?: (info: ModelInfo) => void;
}

export function registerServed(parts: Pick<HostParts, 'served' | 'metrics'>, { request, precision, chosen, model, repaired, startedAt, onSwitch }: Registration): ModelInfo {
  const { engine, opened } = model;
  const { fetched } = chosen;
  const policy = batchPolicy(fetched.spec, request.batching, opened.backend);
  const info: ModelInfo = {
    handle: crypto.randomUUID(),
    id: request.id,
    version: chosen.version,
    precision,
    engine: engine.name,
    backend: opened.backend,
    requestedBackend: request.backend ?? 'auto',
    ...(opened.fallback ? { fallback: opened.fallback } : {}),
    fromCache: fetched.fromCache,
    stored: fetched.stored,
    ...(fetched.storeError ? { storeError: fetched.storeError } : {}),
    ...(chosen.storing ? { storing: true } : {}),
    ...(fetched.evicted.length > 0 ? { evicted: fetched.evicted } : {}),
    ...(repaired.length > 0 ? { repaired: [...repaired] } : {}),
    bytes: fetched.files.reduce((n, f) => n + f.bytes.byteLength, 0),
    loadMs: Math.round(performance.now() - startedAt),
    wasmThreads: opened.wasmThreads,
    ...(chosen.previousVersion ? { previousVersion: chosen.previousVersion } : {}),
    ...(chosen.cohort ? { cohort: chosen.cohort } : {}),
    batching: { enabled: policy.enabled, maxBatchSize: policy.maxBatchSize, maxQueueDelayUs: policy.maxQueueDelayUs },
    ...(opened.backendChoice ? { backendChoice: opened.backendChoice } : {}),
  };
  const served = new ServedModel(info, fetched.spec, opened.session, request, policy, parts.metrics, parts.served.inUseLock, onSwitch);
  served.sha256 = fetched.sha256;
  parts.served.add(info.handle, served);
  parts.metrics.load(info.id, info.version, fetched.fromCache, fetched.bytesDownloaded);
  return info;
}
