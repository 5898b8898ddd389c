/**
 * The worker side of the runtime: manifest → store/download → engine (WebGPU, else WASM) →
 * checked predictions. `workers/runtime.worker.ts` exposes what `createHost` returns.
 */
import { transfer } from 'comlink';
import { detectCapabilities, planBackends, type DetectedCapabilities } from '../capabilities.js';
import type { EngineContext, EngineSession } from '../engines/engine.js';
import { defaultEngines, type EngineRegistry } from '../engines/registry.js';
import { DownloadFailedError, EdgeServeError, InferenceError, ModelDisposedError, StorageError, UnsupportedError, toEdgeServeError } from '../errors.js';
import type { Manifest, ModelEntry } from '../manifest/schema.js';
import { select } from '../manifest/select.js';
import { validateManifest } from '../manifest/validate.js';
import { tensorBuffers, type BackendName, type ModelInfo, type TensorMap, type WorkerApi, type WorkerInit } from '../protocol.js';
import type { FetchLike } from '../store/download.js';
import { openModelStore, type ModelStore } from '../store/model-store.js';
import { fetchVariant } from './fetch-variant.js';
import { checkInputs } from './input-check.js';
import { SerialQueue } from './serial-queue.js';

interface LoadedModel {
  info: ModelInfo;
  model: ModelEntry;
  session: EngineSession;
  queue: SerialQueue;
}

export interface HostDeps {
  engines: EngineRegistry;
  openStore: (name: string) => ModelStore;
  fetch: FetchLike;
  detect: () => Promise<DetectedCapabilities>;
  /** Resolves when the worker holds its life lock (see life-lock.ts); init waits for it. */
  alive?: Promise<void>;
}

export const defaultHostDeps: HostDeps = {
  engines: defaultEngines,
  openStore: (name) => openModelStore(name),
  fetch: (url, init) => fetch(url, init),
  detect: () => detectCapabilities(),
};

export function createHost(deps: HostDeps = defaultHostDeps): WorkerApi {
  let config: WorkerInit | undefined;
  let store: ModelStore | undefined;
  let caps: Promise<DetectedCapabilities> | undefined;
  let manifest: Promise<Manifest> | undefined;
  const loaded = new Map<string, LoadedModel>();

  function configured(): { config: WorkerInit; store: ModelStore } {
    if (!config || !store) throw new UnsupportedError('the worker was used before init()');
    return { config, store };
  }

  function capabilities(): Promise<DetectedCapabilities> {
    caps ??= deps.detect();
    return caps;
  }

  async function fetchManifest(url: string): Promise<Manifest> {
    let response: Response;
    try {
      // no-cache: revalidate with the server when online, so a new manifest is seen at once.
      response = await deps.fetch(url, { cache: 'no-cache' });
    } catch (error) {
      throw new DownloadFailedError(`could not fetch the manifest ${url}: ${String(error)}`, { url });
    }
    if (!response.ok) throw new DownloadFailedError(`could not fetch the manifest ${url}: HTTP ${response.status}`, { url, status: response.status });
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      return validateManifest(undefined);
    }
    return validateManifest(json);
  }

  function getManifest(): Promise<Manifest> {
    const { config } = configured();
    manifest ??= fetchManifest(config.manifestUrl);
    // A failed fetch is retried on the next call rather than remembered forever.
    manifest.catch(() => {
      manifest = undefined;
    });
    return manifest;
  }

  function engineContext(config: WorkerInit, detected: DetectedCapabilities): EngineContext {
    const threads = detected.wasmThreads ? (config.wasmThreads ?? Math.min(4, detected.hardwareConcurrency)) : 1;
    return { ortWasmBase: config.ortWasmBase, tfjsWasmBase: config.tfjsWasmBase, wasmThreads: threads };
  }

  const api: WorkerApi = {
    async init(init) {
      config = init;
      store = deps.openStore(init.storeName);
      await deps.alive;
    },

    async capabilities() {
      const { softwareAdapter: _s, webgpuReason: _r, ...rest } = await capabilities();
      return rest;
    },

    manifest: getManifest,

    async load(request, onProgress) {
      const { config, store } = configured();
      const started = performance.now();
      const report = (p: Parameters<Parameters<typeof fetchVariant>[3]>[0]) => onProgress?.({ id: request.id, ...p });
      report({ phase: 'manifest', loaded: 0, total: 0 });
      const selection = select(await getManifest(), request.id, request.precision ?? 'fp32', request.version);
      const fetched = await fetchVariant(selection, config.manifestUrl, store, report, deps.fetch);

      const detected = await capabilities();
      const requested = request.backend ?? 'auto';
      const plan = planBackends(requested, detected);
      const context = engineContext(config, detected);
      const engine = await deps.engines[selection.model.format]();
      report({ phase: 'compile', loaded: 0, total: 0 });

      const failures: { backend: BackendName; reason: string }[] = [];
      for (const backend of plan.order) {
        let session: EngineSession;
        try {
          session = await engine.create(selection.model, fetched.files, backend, context);
        } catch (error) {
          if (error instanceof UnsupportedError) throw error;
          failures.push({ backend, reason: error instanceof Error ? error.message : String(error) });
          continue;
        }
        const skipped = failures[0] ?? (plan.skippedWebgpu ? { backend: 'webgpu' as const, reason: plan.skippedWebgpu } : undefined);
        const info: ModelInfo = {
          handle: crypto.randomUUID(),
          id: selection.model.id,
          version: selection.version.version,
          precision: selection.variant.precision,
          engine: engine.name,
          backend,
          requestedBackend: requested,
          ...(skipped && backend !== 'webgpu' ? { fallback: { from: skipped.backend, reason: skipped.reason } } : {}),
          fromCache: fetched.fromCache,
          stored: fetched.stored,
          ...(fetched.storeError ? { storeError: fetched.storeError } : {}),
          bytes: fetched.files.reduce((n, f) => n + f.bytes.byteLength, 0),
          loadMs: Math.round(performance.now() - started),
          wasmThreads: backend === 'wasm' ? (session.wasmThreads ?? context.wasmThreads) : 0,
        };
        loaded.set(info.handle, { info, model: selection.model, session, queue: new SerialQueue() });
        report({ phase: 'ready', loaded: info.bytes, total: info.bytes });
        return info;
      }
      throw new UnsupportedError(
        `${engine.name} could not create a session for "${request.id}": ${failures.map((f) => `${f.backend}: ${f.reason}`).join('; ')}`,
        { id: request.id, failures },
      );
    },

    async predict(handle, inputs) {
      const model = loaded.get(handle);
      if (!model) throw new ModelDisposedError('this model was disposed (or its worker restarted); load it again', { handle });
      checkInputs(model.model.inputs, inputs);
      const outputs: TensorMap = await model.queue.run(async () => {
        try {
          return await model.session.run(inputs);
        } catch (error) {
          throw new InferenceError(`${model.info.engine} (${model.info.backend}) failed on "${model.info.id}": ${toEdgeServeError(error).message}`, {
            id: model.info.id,
          });
        }
      });
      return transfer(outputs, tensorBuffers(outputs));
    },

    async unload(handle) {
      const model = loaded.get(handle);
      if (!model) return;
      loaded.delete(handle);
      await model.queue.run(() => model.session.dispose());
    },

    async listCached() {
      return configured().store.list();
    },

    async deleteCached(id, version, precision) {
      const { store } = configured();
      try {
        return await store.remove({ ...(id ? { id } : {}), ...(version ? { version } : {}), ...(precision ? { precision } : {}) });
      } catch (error) {
        throw error instanceof EdgeServeError ? error : new StorageError(`could not delete cached models: ${String(error)}`);
      }
    },

    async ping() {
      return performance.now();
    },
  };
  return api;
}
