/**
 * createRuntime(): the page-side entry point. One runtime = one worker hosting the engines.
 */
import { proxy } from 'comlink';
import { installErrorTransfer } from '../error-transfer.js';
import type { Manifest, Precision } from '../manifest/schema.js';
import type { BackendChoice, CachedModel, Capabilities, LoadProgress, WorkerInit } from '../protocol.js';
import { LoadedModel, type Model } from './model.js';
import { WorkerLink, type WorkerFactory } from './worker-link.js';

export interface RuntimeOptions {
  /** Where the manifest is; default `/models/manifest.json` on the page's origin (Vite's public/). */
  manifestUrl?: string | URL;
  /** Default backend for `load`; 'auto' picks a hardware WebGPU adapter, else WASM. */
  backend?: BackendChoice;
  /** Where the engines' WASM files are served; default `/engines/` (`npm run models` copies them to public/engines/). */
  engineAssetsUrl?: string | URL;
  /** WASM threads when cross-origin isolated; default min(4, cores). */
  wasmThreads?: number;
  /** IndexedDB database name of the model store; default "edgeserve". */
  storeName?: string;
  /** How to start the worker; the default is the bundled runtime worker. */
  workerFactory?: WorkerFactory;
}

export interface LoadOptions {
  precision?: Precision;
  backend?: BackendChoice;
  /** A specific version instead of the manifest's policy. */
  version?: string;
  onProgress?: (progress: LoadProgress) => void;
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

export interface Runtime {
  load(id: string, options?: LoadOptions): Promise<Model>;
  capabilities(): Promise<Capabilities>;
  manifest(): Promise<Manifest>;
  readonly cache: ModelCache;
  /** Disposes every model and ends the worker; later calls reject with WORKER_CRASHED. */
  dispose(): void;
}

const absolute = (url: string | URL, base: string) => new URL(url, base).href;
const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

export const defaultWorkerFactory: WorkerFactory = (name) =>
  new Worker(new URL('../../workers/runtime.worker.ts', import.meta.url), { type: 'module', name });

export function createRuntime(options: RuntimeOptions = {}): Runtime {
  installErrorTransfer();
  // The worker resolves URLs against its own location, so everything is made absolute here.
  const base = globalThis.document?.baseURI ?? globalThis.location.href;
  const engines = withSlash(absolute(options.engineAssetsUrl ?? '/engines/', base));
  const init: WorkerInit = {
    manifestUrl: absolute(options.manifestUrl ?? '/models/manifest.json', base),
    ortWasmBase: `${engines}ort/`,
    tfjsWasmBase: `${engines}tfjs/`,
    storeName: options.storeName ?? 'edgeserve',
    ...(options.wasmThreads ? { wasmThreads: options.wasmThreads } : {}),
  };
  const link = new WorkerLink(options.workerFactory ?? defaultWorkerFactory, init);
  const models = new Set<LoadedModel>();

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

  return {
    async load(id, loadOptions = {}) {
      const request = {
        id,
        backend: loadOptions.backend ?? options.backend ?? 'auto',
        ...(loadOptions.precision ? { precision: loadOptions.precision } : {}),
        ...(loadOptions.version ? { version: loadOptions.version } : {}),
      };
      const onProgress = loadOptions.onProgress ? proxy(loadOptions.onProgress) : undefined;
      const { value, generation } = await link.call((api) => api.load(request, onProgress));
      const model = new LoadedModel(link, request, value, generation, (m) => models.delete(m));
      models.add(model);
      return model;
    },
    capabilities: async () => (await link.call((api) => api.capabilities())).value,
    manifest: async () => (await link.call((api) => api.manifest())).value,
    cache,
    dispose() {
      for (const model of [...models]) void model.dispose();
      link.dispose();
    },
  };
}
