/** The one interface every inference engine implements; the host never sees an engine's own API. */
import type { ModelSpec } from '../manifest/schema.js';
import type { BackendName, EngineName, LogLevel, TensorMap } from '../protocol.js';
import type { EngineFileCache } from './engine-file-cache.js';
import type { EngineFiles } from './engine-files.js';

export interface EngineContext {
  /** The engines' own .wasm/.mjs files (absolute URLs). */
  files: EngineFiles;
  /** WASM threads to use; 1 when the page is not cross-origin isolated. */
  wasmThreads: number;
  /** The least severe of the engine's own messages to print; absent: 'error'. */
  logLevel?: LogLevel;
  /** The device's copy of the engine files (engine-file-cache.ts); absent where there is no Cache Storage. */
  fileCache?: EngineFileCache;
}

export interface ModelFile {
  url: string;
  bytes: Uint8Array;
}

export interface EngineSession {
  /** Threads the engine really uses on WASM, when it differs from the context's. */
  wasmThreads?: number;
  /** Inputs are checked against the manifest before they get here. */
  run(inputs: TensorMap): Promise<TensorMap>;
  dispose(): Promise<void>;
}

export interface Engine {
  readonly name: EngineName;
  create(model: ModelSpec, files: ModelFile[], backend: BackendName, context: EngineContext): Promise<EngineSession>;
  /** Optional: fetch, compile and start the engine's runtime (for `backend`) before any model bytes are there. */
  prepare?(context: EngineContext, backend?: BackendName): Promise<void>;
  /** The engine's own files a backend loads (.mjs/.wasm): checked, and named, when no session opens. */
  files?(backend: BackendName, context: EngineContext): string[];
}
