/**
 * What the worker host's parts share: configuration, the store, capabilities, the manifest
 * (fetched once, again on refresh), the models being served, and the metrics.
 */
import { detectCapabilities, type DetectedCapabilities } from '../capabilities.js';
import type { Engine, EngineContext } from '../engines/engine.js';
import { openEngineFileCache, type EngineFileCache } from '../engines/engine-file-cache.js';
import { engineFilesAt, withKnownHashes, type EngineFiles } from '../engines/engine-files.js';
import { packagedEngineFiles } from '../engines/packaged-engine-files.js';
import { defaultEngines, type EngineRegistry } from '../engines/registry.js';
import { DownloadFailedError } from '../errors.js';
import type { Cohort } from '../manifest/rollout.js';
import type { Manifest, ModelEntry, ModelFormat, Precision, VariantEntry } from '../manifest/schema.js';
import { validateManifest } from '../manifest/validate.js';
import { MetricsRegistry } from '../metrics/registry.js';
import type { CachedModel, LoadProgress, ModelInfo, WorkerInit } from '../protocol.js';
import type { FetchLike } from '../net/download.js';
import { whyFetchFailed } from '../net/fetch-failure.js';
import { heldLockNames } from '../locks/web-locks.js';
import { openModelStore, type ModelStore } from '../store/model-store.js';
import { openDeviceState, type DeviceState, type VersionPointer } from '../state/device-state.js';
import { defaultEstimate, entryName, type Estimate } from '../store/storage-manager.js';
import { fetchVariant, type FetchedVariant } from './fetch-variant.js';
import type { ServedModel } from './served-model.js';

/** The version a pointer would keep as "previous" if it moved to `version`. */
export function previousOf(pointer: VersionPointer | undefined, version: string): string | undefined {
  return pointer && pointer.current !== version ? pointer.current : pointer?.previous;
}

export interface HostDeps {
  engines: EngineRegistry;
  /** Where the engines' files are when the app names no engineAssetsUrl. */
  engineFiles: () => EngineFiles;
  /** The device's copy of the engine files; undefined: the engines fetch them by URL. */
  engineFileCache: () => EngineFileCache | undefined;
  openStore: (name: string) => ModelStore;
  /** Pointers, device id and backend choices (same database as the store's bytes). */
  openState: (name: string) => DeviceState;
  fetch: FetchLike;
  detect: () => Promise<DetectedCapabilities>;
  estimate: Estimate;
  /** Resolves when the worker holds its life lock (see life-lock.ts); init waits for it. */
  alive?: Promise<void>;
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
};

export class HostContext {
  readonly served = new Map<string, ServedModel>();
  readonly metrics = new MetricsRegistry();
  readonly store: ModelStore;
  readonly state: DeviceState;
  /** The background check running per model and precision (upgrade.ts): one at a time. */
  readonly revalidations = new Map<string, Promise<ModelInfo[]>>();
  private caps: Promise<DetectedCapabilities> | undefined;
  private manifestPromise: Promise<Manifest> | undefined;
  private readonly engines = new Map<ModelFormat, Promise<Engine>>();
  private fileCache: EngineFileCache | undefined | null = null;

  constructor(
    readonly deps: HostDeps,
    readonly config: WorkerInit,
  ) {
    this.store = deps.openStore(config.storeName);
    this.state = deps.openState(config.storeName);
  }

  capabilities(): Promise<DetectedCapabilities> {
    this.caps ??= this.deps.detect();
    return this.caps;
  }

  /** The manifest, fetched once per worker; `fresh` fetches it again (background checks, refresh). */
  manifest(fresh = false): Promise<Manifest> {
    if (fresh || !this.manifestPromise) {
      const fetched = this.fetchManifest();
      // A failed fetch is retried on the next call rather than remembered forever.
      fetched.catch(() => {
        if (this.manifestPromise === fetched) this.manifestPromise = undefined;
      });
      this.manifestPromise = fetched;
    }
    return this.manifestPromise;
  }

  private async fetchManifest(): Promise<Manifest> {
    const url = this.config.manifestUrl;
    let response: Response;
    try {
      // no-cache: revalidate with the server when online, so a new manifest is seen at once.
      response = await this.deps.fetch(url, { cache: 'no-cache' });
    } catch (error) {
      const failure = await whyFetchFailed(url, error, undefined, this.deps.fetch);
      throw new DownloadFailedError(`could not fetch the manifest: ${failure.message}`, { url, kind: 'manifest', ...(failure.cors ? { cors: true } : {}) });
    }
    if (!response.ok) throw new DownloadFailedError(`could not fetch the manifest ${url}: HTTP ${response.status}`, { url, status: response.status, kind: 'manifest' });
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      json = undefined;
    }
    return validateManifest(json);
  }

  /** The rollout identity: the app's, or one made once and kept in the store. */
  deviceId(): Promise<string> {
    return this.config.deviceId ? Promise.resolve(this.config.deviceId) : this.state.deviceId();
  }

  /** This host's engine for a format, made on first use; a failed import is tried again next time. */
  engine(format: ModelFormat): Promise<Engine> {
    let engine = this.engines.get(format);
    if (!engine) {
      engine = this.deps.engines[format]();
      engine.catch(() => this.engines.delete(format));
      this.engines.set(format, engine);
    }
    return engine;
  }

  engineContext(detected: DetectedCapabilities): EngineContext {
    const threads = detected.wasmThreads ? (this.config.wasmThreads ?? Math.min(4, detected.hardwareConcurrency)) : 1;
    const packaged = this.deps.engineFiles();
    const files = this.config.engineAssetsUrl ? withKnownHashes(engineFilesAt(this.config.engineAssetsUrl), packaged) : packaged;
    if (this.fileCache === null) this.fileCache = this.deps.engineFileCache();
    return { files, wasmThreads: threads, ...(this.fileCache ? { fileCache: this.fileCache } : {}) };
  }

  /** A manifest variant's bytes: from the store, else downloaded, verified and stored. */
  fetchVariant(
    model: ModelEntry,
    version: string,
    variant: VariantEntry,
    progress: (p: Omit<LoadProgress, 'id'>) => void = () => undefined,
    signal?: AbortSignal,
    repaired: string[] = [],
  ): Promise<FetchedVariant> {
    const { versions: _v, policy: _p, ...spec } = model;
    return fetchVariant({
      key: { id: model.id, version, precision: variant.precision },
      spec,
      entries: variant.files,
      manifestUrl: this.config.manifestUrl,
      store: this.store,
      storeName: this.config.storeName,
      progress,
      inUse: this.inUse,
      fetchImpl: this.deps.fetch,
      estimate: this.deps.estimate,
      ...(signal ? { signal } : {}),
      ...(this.config.downloadStallMs !== undefined ? { stallMs: this.config.downloadStallMs } : {}),
    }, repaired);
  }

  /** Points the device at `version`; the version it served until now becomes "previous". Returns that. */
  async advancePointer(id: string, precision: Precision, version: string, format: ModelFormat, cohort?: Cohort): Promise<string | undefined> {
    // Read and written in one transaction: another tab's rollback (its `rejected`) is kept.
    const [old] = await this.state.updatePointer(id, precision, (old) => {
      const previous = previousOf(old, version);
      return {
        current: version,
        ...(previous ? { previous } : {}),
        ...(old?.rejected ? { rejected: old.rejected } : {}),
        ...(cohort ? { cohort } : {}),
        format,
      };
    });
    return previousOf(old, version);
  }

  /** The shared lock a served model holds, so no tab evicts it. */
  inUseLock = (entry: Pick<CachedModel, 'id' | 'version' | 'precision'>): string => `edgeserve-in-use:${this.config.storeName}:${entryName(entry)}`;

  inUse = async (entry: CachedModel): Promise<boolean> => (await heldLockNames()).has(this.inUseLock(entry)) || this.servedHere(entry);

  private servedHere(entry: CachedModel): boolean {
    return [...this.served.values()].some((s) => s.info.id === entry.id && s.info.version === entry.version && s.info.precision === entry.precision);
  }

  servedOf(id: string, precision: Precision): ServedModel[] {
    return [...this.served.values()].filter((s) => s.info.id === id && s.info.precision === precision && s.request.version === undefined);
  }
}
