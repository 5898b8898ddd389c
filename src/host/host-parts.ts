/**
 * The worker host's parts, made once per `init` from injected dependencies: the store of model
 * bytes, the device state (pointers, device id, measured backends), the manifest source, the
 * engines, the served models, the metrics. Each step of the host takes only the parts it uses
 * (`Pick<HostParts, …>`), so a test passes a real second store or engine for exactly those.
 */
import { detectCapabilities, type DetectedCapabilities } from '../capabilities.js';
import { openEngineFileCache, type EngineFileCache } from '../engines/engine-file-cache.js';
import type { EngineFiles } from '../engines/engine-files.js';
import { packagedEngineFiles } from '../engines/packaged-engine-files.js';
import { defaultEngines, type EngineRegistry } from '../engines/registry.js';
import { manifestSource, type ManifestSource } from '../manifest/fetch-manifest.js';
import { STORE_IN_BACKGROUND_FROM } from './fetch-variant.js';
import { MetricsRegistry } from '../metrics/registry.js';
import type { FetchLike } from '../net/download.js';
import type { ModelInfo, WorkerInit } from '../protocol.js';
import { openDeviceState, type DeviceState } from '../state/device-state.js';
import { openModelStore, type ModelStore } from '../store/model-store.js';
import { defaultEstimate, type Estimate } from '../store/eviction.js';
import { EnginePool } from './engine-pool.js';
import { ServedModels } from './served-models.js';

/** The worker's own message port (the shared-memory channel posts and listens on it). */
export interface HostPort {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export interface HostDeps {
  engines: EngineRegistry;
  /** Where the engines' files are when the app names no engineAssetsUrl. */
  engineFiles: () => EngineFiles;
  /** The device's copy of the engine files; undefined: the engines fetch them by URL. */
  engineFileCache: () => EngineFileCache | undefined;
  openStore: (name: string) => ModelStore;
  /** Pointers, device id and measured backends (same database as the store's bytes). */
  openState: (name: string) => DeviceState;
  fetch: FetchLike;
  detect: () => Promise<DetectedCapabilities>;
  estimate: Estimate;
  /** The worker's global scope, where the shared-memory channel talks to the page. */
  port: () => HostPort;
  /** Resolves when the worker holds its life lock (see locks/life-lock.ts); init waits for it. */
  alive?: Promise<void>;
  /** From this many bytes a cold download is served before it is stored (fetch-variant.ts); tests set it lower. */
  storeInBackgroundFrom?: number;
}

export const defaultHostDeps: HostDeps = {
  engines: defaultEngines,
  engineFiles: packagedEngineFiles,
  engineFileCache: () => openEngineFileCache(),
  openStore: (name) => openModelStore(name),
  openState: (name) => openDeviceState(name),
  fetch: (url, init) => fetch(url, init),
  detect: () => detectCapabilities(),
  estimate: defaultEstimate,
  port: () => globalThis as unknown as HostPort,
};

export interface HostParts {
  readonly config: WorkerInit;
  readonly store: ModelStore;
  readonly state: DeviceState;
  readonly manifest: ManifestSource;
  readonly engines: EnginePool;
  readonly served: ServedModels;
  readonly metrics: MetricsRegistry;
  readonly fetch: FetchLike;
  readonly estimate: Estimate;
  /** Detected once per worker (requestAdapter is not free). */
  capabilities(): Promise<DetectedCapabilities>;
  /** The rollout identity: the app's, or one made once and kept in the device state. */
  deviceId(): Promise<string>;
  /** The background check running per model and precision (upgrade.ts): one at a time. */
  readonly revalidations: Map<string, Promise<ModelInfo[]>>;
  readonly storeInBackgroundFrom: number;
  /** Downloads served before they were stored, while the store still writes them (settle() waits for them). */
  readonly storing: Set<Promise<unknown>>;
}

export function createHostParts(deps: HostDeps, config: WorkerInit): HostParts {
  let detected: Promise<DetectedCapabilities> | undefined;
  const state = deps.openState(config.storeName);
  return {
    config,
    store: deps.openStore(config.storeName),
    state,
    manifest: manifestSource(config.manifestUrl, deps.fetch),
    engines: new EnginePool({
      registry: deps.engines,
      packagedFiles: deps.engineFiles,
      fileCache: deps.engineFileCache,
      ...(config.engineAssetsUrl ? { engineAssetsUrl: config.engineAssetsUrl } : {}),
      ...(config.wasmThreads !== undefined ? { wasmThreads: config.wasmThreads } : {}),
      ...(config.logLevel ? { logLevel: config.logLevel } : {}),
    }),
    served: new ServedModels(config.storeName),
    metrics: new MetricsRegistry(),
    fetch: deps.fetch,
    estimate: deps.estimate,
    capabilities: () => (detected ??= deps.detect()),
    deviceId: () => (config.deviceId ? Promise.resolve(config.deviceId) : state.deviceId()),
    revalidations: new Map(),
    storeInBackgroundFrom: deps.storeInBackgroundFrom ?? STORE_IN_BACKGROUND_FROM,
    storing: new Set(),
  };
}
