/**
 * `load`: serve the stored version at once when there is one (stale-while-revalidate: the
 * manifest is checked in the background), else choose a version by the manifest's policy and
 * this device's cohort, fetch it, and open a session on the best backend.
 */
import { planBackends } from '../capabilities.js';
import { VariantNotFoundError } from '../errors.js';
import { chooseVersion, type Cohort } from '../manifest/rollout.js';
import type { BatchingOptions, ModelSpec, Precision } from '../manifest/schema.js';
import { findModel } from '../manifest/select.js';
import type { BackendName, LoadProgress, ModelInfo, WorkerLoadRequest } from '../protocol.js';
import { canBatch } from './batch-tensors.js';
import type { BatchPolicy } from './batcher.js';
import type { FetchedVariant } from './fetch-variant.js';
import { previousOf, type HostContext } from './host-context.js';
import { openWithFallback } from './backend-fallback.js';
import { ServedModel } from './served-model.js';
import { revalidate } from './upgrade.js';

/**
 * Batching is on where the model can batch and someone asked for it (the load's `batching`
 * or the manifest's); with neither, it is on for WebGPU only. Measured here on WASM (threaded),
 * merging 8 concurrent ocr-cls calls ran at 0.86–0.94× the unbatched throughput and 4 ocr-rec
 * calls at 0.97–1.15×: CPU kernels are already busy at batch 1, so it is opt-in there.
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

interface Chosen {
  version: string;
  fetched: FetchedVariant;
  cohort?: Cohort;
  previousVersion?: string;
}

async function fromPointer(ctx: HostContext, id: string, precision: Precision): Promise<Chosen | undefined> {
  const pointer = await ctx.store.getPointer(id, precision);
  if (!pointer) return undefined;
  const cached = await ctx.store.read({ id, version: pointer.current, precision });
  if (!cached) return undefined;
  return {
    version: pointer.current,
    fetched: { files: cached.files.map((bytes) => ({ url: '', bytes })), spec: cached.spec, fromCache: true, stored: true, evicted: [], bytesDownloaded: 0 },
    ...(pointer.cohort ? { cohort: pointer.cohort } : {}),
    ...(pointer.previous ? { previousVersion: pointer.previous } : {}),
  };
}

async function fromManifest(ctx: HostContext, request: WorkerLoadRequest, precision: Precision, report: (p: Omit<LoadProgress, 'id'>) => void, signal: AbortSignal): Promise<Chosen> {
  const manifest = await ctx.manifest();
  const model = findModel(manifest, request.id);
  const choice = chooseVersion(model, await ctx.deviceId(), request.version);
  const variant = choice.version.variants.find((v) => v.precision === precision);
  if (!variant) {
    throw new VariantNotFoundError(
      `model "${model.id}" ${choice.version.version} has no ${precision} variant (it has: ${choice.version.variants.map((v) => v.precision).join(', ')})`,
      { id: model.id, version: choice.version.version, precision },
    );
  }
  const version = choice.version.version;
  const fetched = await ctx.fetchVariant(model, version, variant, report, signal);
  // An explicit version is the caller's business: it does not move the device's pointer.
  const previousVersion =
    request.version === undefined && fetched.stored
      ? await ctx.advancePointer(model.id, precision, version, choice.cohort)
      : previousOf(await ctx.store.getPointer(model.id, precision), version);
  return { version, fetched, ...(choice.cohort ? { cohort: choice.cohort } : {}), ...(previousVersion ? { previousVersion } : {}) };
}

export async function loadModel(
  ctx: HostContext,
  request: WorkerLoadRequest,
  signal: AbortSignal,
  onProgress?: (progress: LoadProgress) => void,
  onSwitch?: (info: ModelInfo) => void,
): Promise<ModelInfo> {
  const started = performance.now();
  const precision = request.precision ?? 'fp32';
  const report = (p: Omit<LoadProgress, 'id'>) => onProgress?.({ id: request.id, ...p });
  report({ phase: 'manifest', loaded: 0, total: 0 });
  const warm = request.version === undefined ? await fromPointer(ctx, request.id, precision) : undefined;
  const chosen = warm ?? (await fromManifest(ctx, request, precision, report, signal));
  const { fetched } = chosen;

  const detected = await ctx.capabilities();
  const requested = request.backend ?? 'auto';
  const engine = await ctx.engine(fetched.spec.format);
  report({ phase: 'compile', loaded: 0, total: 0 });
  const opened = await openWithFallback(engine, fetched.spec, fetched.files, planBackends(requested, detected), ctx.engineContext(detected), false);
  const policy = batchPolicy(fetched.spec, request.batching, opened.backend);
  const info: ModelInfo = {
    handle: crypto.randomUUID(),
    id: request.id,
    version: chosen.version,
    precision,
    engine: engine.name,
    backend: opened.backend,
    requestedBackend: requested,
    ...(opened.fallback ? { fallback: opened.fallback } : {}),
    fromCache: fetched.fromCache,
    stored: fetched.stored,
    ...(fetched.storeError ? { storeError: fetched.storeError } : {}),
    ...(fetched.evicted.length > 0 ? { evicted: fetched.evicted } : {}),
    bytes: fetched.files.reduce((n, f) => n + f.bytes.byteLength, 0),
    loadMs: Math.round(performance.now() - started),
    wasmThreads: opened.wasmThreads,
    ...(chosen.previousVersion ? { previousVersion: chosen.previousVersion } : {}),
    ...(chosen.cohort ? { cohort: chosen.cohort } : {}),
    batching: { enabled: policy.enabled, maxBatchSize: policy.maxBatchSize, maxQueueDelayUs: policy.maxQueueDelayUs },
  };
  const served = new ServedModel(info, fetched.spec, opened.session, request, policy, ctx.metrics, ctx.inUseLock, onSwitch);
  ctx.served.set(info.handle, served);
  ctx.metrics.load(info.id, info.version, fetched.fromCache, fetched.bytesDownloaded);
  report({ phase: 'ready', loaded: info.bytes, total: info.bytes });
  // Stale-while-revalidate: served from the store now, the manifest is checked meanwhile.
  if (warm) void revalidate(ctx, request.id, precision).catch(() => undefined);
  return info;
}
