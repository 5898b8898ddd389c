/**
 * `load`: serve the stored version at once when there is one (stale-while-revalidate: the
 * manifest is checked in the background), else choose a version by the manifest's policy and
 * this device's cohort, fetch it, and open a session on the best backend.
 *
 * Healing: a stored copy the store finds damaged is a miss (downloaded again); a stored copy
 * that passes its hashes but that the engine cannot open is deleted and downloaded again, once.
 * `info().repaired` says what was replaced and why. The stored copy's SHA-256 is compared with
 * the manifest's when the manifest arrives — at once on the cold path (fetch-variant.ts), in
 * the background check on the warm path (upgrade.ts), which then suspends the copy until the
 * sound one is switched in.
 */
import { planBackends } from '../capabilities.js';
import { EdgeServeError } from '../errors.js';
import { chooseVersion, type Cohort } from '../manifest/rollout.js';
import { isModelFormat, type BatchingOptions, type ModelSpec, type Precision } from '../manifest/schema.js';
import { findModel, findVariant } from '../manifest/select.js';
import type { BackendName, LoadProgress, ModelInfo, WorkerLoadRequest } from '../protocol.js';
import { canBatch } from './batch-tensors.js';
import type { BatchPolicy } from './batcher.js';
import type { FetchedVariant } from './fetch-variant.js';
import { previousOf, type HostContext } from './host-context.js';
import { openChosen } from './backend-choice.js';
import { warmEngine } from './engine-warmup.js';
import { ServedModel } from './served-model.js';
import { revalidate } from './upgrade.js';

/**
 * Batching is on where the model can batch and someone asked for it (the load's `batching`
 * or the manifest's); with neither, it is on for WebGPU only. On WASM it stays opt-in: in
 * repeated runs of the batching bench (threaded WASM), merged-vs-unbatched throughput landed on
 * both sides of parity for the same model from one run to the next — CPU kernels are already
 * busy at batch 1, so merging shows no gain that holds. The README's Micro-batching section
 * keeps the runs and their figures.
 */
function batchPolicy(spec: ModelSpec, requested: false | BatchingOptions | undefined, backend: BackendName): BatchPolicy {
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
  /** The engine's runtime starting while the model downloads or is read from the store (see engine-warmup.ts). */
  engineWarming?: Promise<void>;
}

async function fromPointer(ctx: HostContext, request: WorkerLoadRequest, precision: Precision, repaired: string[]): Promise<Chosen | undefined> {
  const id = request.id;
  const pointer = await ctx.state.pointer(id, precision);
  if (!pointer) return undefined;
  const engineWarming = isModelFormat(pointer.format) ? warmEngine(ctx, pointer.format, request.backend, { unlessMeasuring: true }) : undefined;
  const cached = await ctx.store.read({ id, version: pointer.current, precision }, (reason) => repaired.push(reason));
  if (!cached) return undefined;
  return {
    version: pointer.current,
    fetched: {
      files: cached.files.map((bytes, i) => ({ url: cached.urls[i] ?? '', bytes })),
      spec: cached.spec,
      fromCache: true,
      stored: true,
      evicted: [],
      bytesDownloaded: 0,
      sha256: cached.sha256,
      repaired,
    },
    ...(engineWarming ? { engineWarming } : {}),
    ...(pointer.cohort ? { cohort: pointer.cohort } : {}),
    ...(pointer.previous ? { previousVersion: pointer.previous } : {}),
  };
}

async function fromManifest(
  ctx: HostContext,
  request: WorkerLoadRequest,
  precision: Precision,
  report: (p: Omit<LoadProgress, 'id'>) => void,
  signal: AbortSignal,
  repaired: string[],
): Promise<Chosen> {
  const manifest = await ctx.manifest();
  const model = findModel(manifest, request.id);
  const engineWarming = warmEngine(ctx, model.format, request.backend);
  const choice = chooseVersion(model, await ctx.deviceId(), request.version);
  const variant = findVariant(model, choice.version, precision);
  const version = choice.version.version;
  const fetched = await ctx.fetchVariant(model, version, variant, report, signal, repaired);
  // An explicit version is the caller's business: it does not move the device's pointer.
  const previousVersion =
    request.version === undefined && fetched.stored
      ? await ctx.advancePointer(model.id, precision, version, fetched.spec.format, choice.cohort)
      : previousOf(await ctx.state.pointer(model.id, precision), version);
  return { version, fetched, engineWarming, ...(choice.cohort ? { cohort: choice.cohort } : {}), ...(previousVersion ? { previousVersion } : {}) };
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
  // Adapter detection (requestAdapter) runs while the store or the network is read.
  const detecting = ctx.capabilities();
  detecting.catch(() => undefined); // awaited below; not an unhandled rejection if the read fails first
  const repaired: string[] = [];
  const warm = request.version === undefined ? await fromPointer(ctx, request, precision, repaired) : undefined;
  let chosen = warm ?? (await fromManifest(ctx, request, precision, report, signal, repaired));

  const detected = await detecting;
  const requested = request.backend ?? 'auto';
  const open = async (c: Chosen) => {
    const engine = await ctx.engine(c.fetched.spec.format);
    report({ phase: 'compile', loaded: 0, total: 0 });
    await c.engineWarming;
    const plan = planBackends(requested, detected);
    return { engine, opened: await openChosen(engine, c.fetched.spec, c.fetched.files, plan, ctx.engineContext(detected), { state: ctx.state, key: { id: request.id, version: c.version, precision } }) };
  };
  let session: Awaited<ReturnType<typeof open>>;
  try {
    session = await open(chosen);
  } catch (error) {
    // Every backend refused to create a session (details.failures), not e.g. a tfjs backend conflict:
    // bytes that pass their hashes yet do not open would fail this way on every load. Replace them, once.
    const bytesRefused = error instanceof EdgeServeError && Array.isArray(error.details?.failures);
    if (!chosen.fetched.fromCache || !bytesRefused) throw error;
    const key = { id: request.id, version: chosen.version, precision };
    await ctx.store.remove(key);
    const why = error instanceof EdgeServeError ? error.message : String(error);
    repaired.push(`stored bytes of ${key.id} ${key.version} ${key.precision} passed their hashes but could not be opened (${why})`);
    chosen = await fromManifest(ctx, request, precision, report, signal, repaired);
    session = await open(chosen);
  }
  const { engine, opened } = session;
  const { fetched } = chosen;
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
    ...(repaired.length > 0 ? { repaired: [...repaired] } : {}),
    bytes: fetched.files.reduce((n, f) => n + f.bytes.byteLength, 0),
    loadMs: Math.round(performance.now() - started),
    wasmThreads: opened.wasmThreads,
    ...(chosen.previousVersion ? { previousVersion: chosen.previousVersion } : {}),
    ...(chosen.cohort ? { cohort: chosen.cohort } : {}),
    batching: { enabled: policy.enabled, maxBatchSize: policy.maxBatchSize, maxQueueDelayUs: policy.maxQueueDelayUs },
    ...(opened.backendChoice ? { backendChoice: opened.backendChoice } : {}),
  };
  const served = new ServedModel(info, fetched.spec, opened.session, request, policy, ctx.metrics, ctx.inUseLock, onSwitch);
  served.sha256 = fetched.sha256;
  ctx.served.set(info.handle, served);
  ctx.metrics.load(info.id, info.version, fetched.fromCache, fetched.bytesDownloaded);
  report({ phase: 'ready', loaded: info.bytes, total: info.bytes });
  // Stale-while-revalidate: served from the store now, the manifest is checked meanwhile.
  if (warm && chosen === warm) void revalidate(ctx, request.id, precision).catch(() => undefined);
  return info;
}
