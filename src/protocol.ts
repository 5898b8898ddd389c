/**
 * The one API shared by page and worker, and the tensor wire format. The page wraps the
 * worker with `Comlink.wrap<WorkerApi>()`; the worker exposes an object of this type.
 * Tensor `data.buffer`s are transferred in both directions, never copied.
 */
import type { Cohort } from './manifest/rollout.js';
import type { BatchingOptions, Manifest, ModelSpec, Precision, TensorDtype } from './manifest/schema.js';
import type { MetricsSnapshot } from './metrics/types.js';

export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Uint16Array; // float16 travels as raw Uint16 bits

export interface Tensor {
  dtype: TensorDtype;
  dims: number[];
  data: TensorData;
}

export type TensorMap = Record<string, Tensor>;

export type BackendName = 'webgpu' | 'wasm';
export type BackendChoice = BackendName | 'auto';
export type EngineName = 'onnx' | 'tfjs' | 'litert';

export interface Capabilities {
  webgpu: boolean;
  /** From `GPUAdapter.info` when there is an adapter, e.g. "google swiftshader". */
  adapter?: string;
  wasmSimd: boolean;
  /** WASM threads need cross-origin isolation (COOP/COEP) and SharedArrayBuffer. */
  wasmThreads: boolean;
  hardwareConcurrency: number;
}

export interface LoadProgress {
  id: string;
  /**
   * `cache`: looking in the store; `verify`: reading the stored bytes and checking their SHA-256
   * (a warm load); `download`: bytes arriving (hashed and stored as they come); `store`: the last
   * chunks and the record being written after the download's SHA-256 matched; `compile`: the
   * engine opening a session. At most ~20 messages a second; the first and last of each phase
   * always come.
   */
  phase: 'manifest' | 'cache' | 'download' | 'verify' | 'store' | 'compile' | 'ready';
  /** Bytes done and total over all files of the variant (verify, download and store phases). */
  loaded: number;
  total: number;
  file?: string;
  /** Known before the download: why this model will not be stored (e.g. larger than the storage quota); it runs from memory. */
  notStored?: string;
}

export interface WorkerLoadRequest {
  id: string;
  precision?: Precision;
  backend?: BackendChoice;
  /** An explicit version: bypasses the manifest's policy, the stored pointer and background upgrades. */
  version?: string;
  batching?: false | BatchingOptions;
  /** Lets the page cancel this load with `cancel(callId)`. */
  callId?: string;
}

export interface BackendChoiceInfo {
  /** Median warm-up run per backend (ms); a backend that failed to open is absent. */
  measured: Partial<Record<BackendName, number>>;
  chosenBy: 'measurement' | 'stored';
}

export interface ModelInfo {
  /** Handle of this loaded model inside the worker. */
  handle: string;
  id: string;
  version: string;
  precision: Precision;
  engine: EngineName;
  /** The backend that actually runs the model. */
  backend: BackendName;
  requestedBackend: BackendChoice;
  /** Set when the first choice failed and the runtime fell back (e.g. WebGPU → WASM). */
  fallback?: { from: BackendName; reason: string };
  fromCache: boolean;
  /** False when the store could not keep the model (e.g. quota): it runs from memory this session. */
  stored: boolean;
  storeError?: string;
  /**
   * True while the store still writes a big download (64 MiB or more) that is served already:
   * `stored` is false until it is done, then `model.info()` says `stored: true` (or `storeError`
   * why not) without an `onUpdate`. A page closed before then keeps no copy.
   */
  storing?: boolean;
  bytes: number;
  loadMs: number;
  wasmThreads: number;
  /** The stored version this one replaced (what `rollback` returns to). */
  previousVersion?: string;
  /** Set when the manifest's policy is a rollout: this device's sticky bucket and arm. */
  cohort?: Cohort;
  /** Stored models evicted (least recently used first) to make room for this one. */
  evicted?: string[];
  /** Whether the browser granted persistent storage (navigator.storage.persist), when asked. */
  persisted?: boolean;
  batching: { enabled: boolean; maxBatchSize: number; maxQueueDelayUs: number };
  /**
   * How `auto` chose between backends that can all run the model: timed at this version's first
   * load on this device ('measurement'), or that choice reused ('stored'). Absent when only one
   * backend was possible or one was asked for.
   */
  backendChoice?: BackendChoiceInfo;
  /**
   * Stored copies found damaged and replaced by a fresh download, with why: a record that is not
   * the store's schema, bytes that fail their stored SHA-256, bytes the engine cannot open, or a
   * stored SHA-256 that is not the manifest's for that version.
   */
  repaired?: string[];
  /** The last background upgrade that failed (the model kept serving this version). */
  updateError?: string;
}

export interface CachedModel {
  id: string;
  version: string;
  precision: Precision;
  bytes: number;
  storedAt: number;
  lastUsedAt: number;
}

/**
 * The least severe engine message printed: onnxruntime-web's own warnings ("Removing initializer
 * …", printed as console.error lines by its WASM build) show from 'warning' down.
 */
export type LogLevel = 'verbose' | 'info' | 'warning' | 'error' | 'fatal';

/** How much memory one run may need before its input is refused (see host/memory-budget.ts). */
export interface MemoryBudget {
  /** Default 1 GiB. */
  maxBytes?: number;
  /** The working set estimated per input byte; default 32. */
  bytesPerInputByte?: number;
}

export interface WorkerInit {
  manifestUrl: string;
  /** Absolute base URL of the engines' own files (`ort/…`, `tfjs/…`); default: next to the worker (see packaged-engine-files.ts). */
  engineAssetsUrl?: string;
  /** Name of the IndexedDB database holding the model store. */
  storeName: string;
  wasmThreads?: number;
  /** How much of the engines' own logging reaches the console; default 'error'. */
  logLevel?: LogLevel;
  /** A download receiving no bytes this long fails with DOWNLOAD_FAILED; default 30 000 ms. */
  downloadStallMs?: number;
  /** The app's own stable id for this device/user, for rollout cohorts; else one is made and stored. */
  deviceId?: string;
  /** `false` turns the memory check off. */
  memoryBudget?: MemoryBudget | false;
  /** The shared-memory predict channel's buffer, on cross-origin isolated pages (shared-memory-channel.ts). */
  channel?: SharedArrayBuffer;
}

/** What the worker exposes. Every method may reject with an EdgeServeError. */
export interface WorkerApi {
  init(config: WorkerInit): Promise<void>;
  capabilities(): Promise<Capabilities>;
  manifest(): Promise<Manifest>;
  /** `onSwitch` is called after a background upgrade or rollback switched this model's version. */
  load(request: WorkerLoadRequest, onProgress?: (progress: LoadProgress) => void, onSwitch?: (info: ModelInfo) => void): Promise<ModelInfo>;
  predict(handle: string, inputs: TensorMap, callId?: string): Promise<TensorMap>;
  /** The served version's inputs, outputs and labels: what the store kept with it, so no manifest is needed. */
  spec(handle: string): Promise<ModelSpec>;
  /** Cancels a queued predict or a running load; a predict already in the engine finishes. */
  cancel(callId: string, reason: 'aborted' | 'timeout'): Promise<boolean>;
  unload(handle: string): Promise<void>;
  /** Checks the manifest now and upgrades loaded models whose version should change. */
  refresh(id?: string): Promise<ModelInfo[]>;
  /** Back to the previous stored version, without a download. */
  rollback(id: string, precision?: Precision): Promise<{ version: string; switched: ModelInfo[] }>;
  metrics(): Promise<MetricsSnapshot>;
  listCached(): Promise<CachedModel[]>;
  deleteCached(id?: string, version?: string, precision?: Precision): Promise<number>;
  /** Resolves when the worker is alive; used as a cheap round trip. */
  ping(): Promise<number>;
  /** Finishes what it deferred (a first visit's copy of the engine files); the page ends a dedicated worker after it. */
  settle(): Promise<void>;
}

export function tensorBuffers(tensors: TensorMap): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const tensor of Object.values(tensors)) {
    // A SharedArrayBuffer cannot be transferred (and need not be).
    if (tensor.data.buffer instanceof ArrayBuffer) buffers.add(tensor.data.buffer);
  }
  return [...buffers];
}
