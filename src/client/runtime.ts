/**
 * createRuntime(): the page-side entry point. One runtime = one worker hosting the engines.
 */
import { proxy, type Remote } from 'comlink';
import type { BatchingOptions, Manifest, Precision } from '../manifest/schema.js';
import { toPrometheus } from '../metrics/prometheus.js';
import type { MetricsSnapshot } from '../metrics/types.js';
import type { BackendChoice, CachedModel, Capabilities, LoadProgress, LogLevel, MemoryBudget, ModelInfo, WorkerInit, WorkerLoadRequest } from '../protocol.js';
import { cancellable, type CancelOptions } from './cancel.js';
import { defaultSharedWorkerFactory } from './default-shared-worker.js';
import { defaultWorkerFactory } from './default-worker.js';
import { LoadedModel, type Model } from './model.js';
import { PageErrorCounter } from './page-errors.js';
import { validateLoadOptions, validateRuntimeOptions } from './validate-options.js';
import type { WatchdogOptions } from './watchdog.js';
import { chooseHost, chooseStarter, type HostOption, type HostReport } from './shared-host-link.js';
import type { SharedHostStats, SharedHostApi } from '../shared-host-protocol.js';
import { dedicatedHost, WorkerLink, type WorkerFactory } from './worker-link.js';

export interface RuntimeOptions {
  /** Where the manifest is; default `/models/manifest.json` on the page's origin (Vite's public/). */
  manifestUrl?: string | URL;
  /** Default backend for `load`; 'auto' times WASM against a hardware WebGPU adapter at a version's first load and keeps the faster (a software adapter is never picked). */
  backend?: BackendChoice;
  /**
   * Base URL of the engines' own files, laid out as `ort/<onnxruntime-web file>` and
   * `tfjs/<tfjs-backend-wasm file>` (as in the package's `dist/lib/`). Default: the copies that
   * ship next to the worker, which your bundler emits with the app (or, for the drop-in script,
   * next to the script on its CDN). Set it to serve them from elsewhere, e.g. a CDN.
   */
  engineAssetsUrl?: string | URL;
  /** WASM threads when cross-origin isolated; default min(4, cores). */
  wasmThreads?: number;
  /** How much of the engines' own logging (onnxruntime-web's warnings) reaches the console; default 'error'. */
  logLevel?: LogLevel;
  /** A model download that receives no bytes for this long fails with DOWNLOAD_FAILED; default 30 000 ms. */
  downloadStallMs?: number;
  /** IndexedDB database name of the model store; default "edgeserve". */
  storeName?: string;
  /** Ask the browser for persistent storage (`navigator.storage.persist()`) before the first load; default true. */
  persist?: boolean;
  /** A stable id for this device or user, for sticky rollout cohorts; default: a random id kept in the store. */
  deviceId?: string;
  /** How to start the worker; the default is the bundled runtime worker. */
  workerFactory?: WorkerFactory;
  /**
   * Where the models run. `'shared'`: one SharedWorker serves every same-origin page that uses
   * the same store and configuration — one session per model and variant, one copy in memory,
   * calls from all pages micro-batched together; it runs WASM on one thread (a shared worker is
   * not cross-origin isolated). `'page'`: this page's own worker (WASM threads on cross-origin
   * isolated pages). `'auto'` (default): shared where no thread is lost — pages that are not
   * cross-origin isolated — and the page's own worker otherwise, or when a `workerFactory` is
   * given. Where SharedWorker is missing or cannot start, the page's own worker runs; `info()`
   * says which runs and why.
   */
  host?: HostOption;
  /**
   * A worker that gives no answer for too long while predicts are pending is declared stuck:
   * pending calls reject with WORKER_STUCK, it is replaced, and models load again from the store.
   * The bound: `floorMs` (default 60 000) for a model's first run on the worker (warm-up), then
   * 20 × its slowest warm run, at least `warmFloorMs` (default 5 000). While a load is in flight
   * the worker must answer a ping within `loadFloorMs` (default 300 000: session creation blocks
   * the worker's thread), however long the load takes.
   * `false` turns it off.
   */
  watchdog?: WatchdogOptions | false;
  /**
   * Inputs whose run would need more memory than this are refused with BAD_INPUT before they
   * reach the engine (out-of-memory in a worker can take the whole tab down). Estimated as
   * `bytesPerInputByte` (default 32) × the input bytes, against `maxBytes` (default 1 GiB).
   * `false` turns the check off.
   */
  memoryBudget?: MemoryBudget | false;
}

export interface LoadOptions extends CancelOptions {
  precision?: Precision;
  backend?: BackendChoice;
  /** A specific version instead of the manifest's policy (no background upgrades for it). */
  version?: string;
  /** Micro-batching for this model: false turns it off; default on where the model can batch. */
  batching?: false | BatchingOptions;
  onProgress?: (progress: LoadProgress) => void;
  /** Called after the model switched version (a background upgrade or a rollback). */
  onUpdate?: (info: ModelInfo) => void;
}

export interface CacheUsage {
  /** Bytes of models in the store. */
  models: number;
  /** From navigator.storage.estimate(), for the whole origin. */
  usage?: number;
  quota?: number;
}

export interface ModelCache {
  list(): Promise<CachedModel[]>;
  usage(): Promise<CacheUsage>;
  /** Deletes matching cached models (all versions/variants of `id` when only `id` is given). */
  delete(id: string, options?: { version?: string; precision?: Precision }): Promise<number>;
  clear(): Promise<number>;
}

/** Which host serves this runtime's models, and why (`Runtime.info`). */
export interface RuntimeInfo extends HostReport {
  /** The shared host's own figures (pages connected, sessions opened and joined), in shared mode. */
  shared?: SharedHostStats;
}

export interface Runtime {
  load(id: string, options?: LoadOptions): Promise<Model>;
  /** Which host runs the models — `shared` or `page` — and why; starts the host if none runs yet. */
  info(): Promise<RuntimeInfo>;
  capabilities(): Promise<Capabilities>;
  manifest(): Promise<Manifest>;
  /** Checks the manifest now; loaded models whose version should change are upgraded. Resolves with what switched. */
  refresh(id?: string): Promise<ModelInfo[]>;
  /** Serves the previous stored version again, with no download; the version left is not upgraded to again. */
  rollback(id: string, options?: { precision?: Precision }): Promise<{ version: string; switched: ModelInfo[] }>;
  metrics(): Promise<MetricsSnapshot>;
  metrics(options: { format: 'prometheus' }): Promise<string>;
  readonly cache: ModelCache;
  /** Disposes every model and ends the worker; later calls reject with WORKER_CRASHED. */
  dispose(): void;
}

const absolute = (url: string | URL, base: string) => new URL(url, base).href;
const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/** persist() exists only on the page (not in workers), so the page asks, once per runtime. */
async function askPersistence(): Promise<boolean | undefined> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.persist) return undefined;
  return (await storage.persisted()) || storage.persist();
}

export function createRuntime(options: RuntimeOptions = {}): Runtime {
  validateRuntimeOptions(options);
  // The worker resolves URLs against its own location, so everything is made absolute here.
  const base = globalThis.document?.baseURI ?? globalThis.location.href;
  const init: WorkerInit = {
    manifestUrl: absolute(options.manifestUrl ?? '/models/manifest.json', base),
    ...(options.engineAssetsUrl ? { engineAssetsUrl: withSlash(absolute(options.engineAssetsUrl, base)) } : {}),
    storeName: options.storeName ?? 'edgeserve',
    ...(options.wasmThreads ? { wasmThreads: options.wasmThreads } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.deviceId ? { deviceId: options.deviceId } : {}),
    ...(options.downloadStallMs !== undefined ? { downloadStallMs: options.downloadStallMs } : {}),
    ...(options.memoryBudget !== undefined ? { memoryBudget: options.memoryBudget } : {}),
  };
  const choice = chooseHost({
    option: options.host ?? 'auto',
    sharedFactory: defaultSharedWorkerFactory,
    customWorker: options.workerFactory !== undefined,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    sharedWorkerExists: typeof globalThis.SharedWorker === 'function',
  });
  const starter = chooseStarter(
    choice,
    defaultSharedWorkerFactory ? { spawn: defaultSharedWorkerFactory, init } : undefined,
    dedicatedHost(options.workerFactory ?? defaultWorkerFactory),
  );
  const link = new WorkerLink(starter, init, options.watchdog ?? {});
  const models = new Set<LoadedModel>();
  const pageErrors = new PageErrorCounter();
  let persisted: Promise<boolean | undefined> | undefined;

  const cache: ModelCache = {
    list: async () => (await link.call((api) => api.listCached())).value,
    async usage() {
      const list = await cache.list();
      const estimate = await globalThis.navigator?.storage?.estimate?.();
      return {
        models: list.reduce((n, m) => n + m.bytes, 0),
        ...(estimate?.usage !== undefined ? { usage: estimate.usage } : {}),
        ...(estimate?.quota !== undefined ? { quota: estimate.quota } : {}),
      };
    },
    delete: async (id, opts = {}) => (await link.call((api) => api.deleteCached(id, opts.version, opts.precision))).value,
    clear: async () => (await link.call((api) => api.deleteCached())).value,
  };

  async function metrics(): Promise<MetricsSnapshot>;
  async function metrics(format: { format: 'prometheus' }): Promise<string>;
  async function metrics(format?: { format: 'prometheus' }): Promise<MetricsSnapshot | string> {
    const snapshot = pageErrors.mergeInto((await link.call((api) => api.metrics())).value);
    return format?.format === 'prometheus' ? toPrometheus(snapshot) : snapshot;
  }

  return {
    async load(id, loadOptions = {}) {
      validateLoadOptions(id, loadOptions);
      if (options.persist !== false) persisted ??= askPersistence().catch(() => undefined);
      const callId = crypto.randomUUID();
      const request: WorkerLoadRequest = {
        id,
        callId,
        backend: loadOptions.backend ?? options.backend ?? 'auto',
        ...(loadOptions.precision ? { precision: loadOptions.precision } : {}),
        ...(loadOptions.version ? { version: loadOptions.version } : {}),
        ...(loadOptions.batching !== undefined ? { batching: loadOptions.batching } : {}),
      };
      const onProgress = loadOptions.onProgress ? proxy(loadOptions.onProgress) : undefined;
      let model: LoadedModel | undefined;
      const onSwitch = proxy((info: ModelInfo) => model?.applySwitch(info));
      const { value, generation } = await cancellable(
        `load of "${id}"`,
        () => link.call((api, generation) => link.watchLoad(id, generation, api.load(request, onProgress, onSwitch))),
        loadOptions,
        (reason) => {
          void link.call((api) => api.cancel(callId, reason)).catch(() => undefined);
        },
      );
      model = new LoadedModel(link, request, value, generation, onSwitch, {
        onDispose: (m) => models.delete(m),
        onPageError: (info, code) => pageErrors.count(info.id, info.version, code),
        ...(loadOptions.onUpdate ? { onUpdate: loadOptions.onUpdate } : {}),
        ...(persisted ? { persisted: await persisted } : {}),
      });
      models.add(model);
      return model;
    },
    async info() {
      // The host in use is known once one answered (a shared host that cannot start falls back).
      const stats = await link.run(async (api) => (starter.report.host === 'shared' ? (api as unknown as Remote<SharedHostApi>).stats() : (await api.ping(), undefined)));
      return structuredClone({ ...starter.report, ...(stats ? { shared: stats } : {}) });
    },
    capabilities: async () => (await link.call((api) => api.capabilities())).value,
    manifest: async () => (await link.call((api) => api.manifest())).value,
    refresh: async (id) => (await link.call((api) => api.refresh(id))).value,
    rollback: async (id, opts = {}) => (await link.call((api) => api.rollback(id, opts.precision ?? 'fp32'))).value,
    metrics,
    cache,
    dispose() {
      for (const model of [...models]) void model.dispose();
      link.dispose();
    },
  };
}
