/** The one interface every inference engine implements; the host never sees an engine's own API. */
import type { ModelSpec } from '../manifest/schema.js';
import type { BackendName, EngineName, TensorMap } from '../protocol.js';
import type { EngineFiles } from './engine-files.js';

export interface EngineContext {
  /** The engines' own .wasm/.mjs files (absolute URLs). */
  files: EngineFiles;
  /** WASM threads to use; 1 when the page is not cross-origin isolated. */
  wasmThreads: number;
  /**
   * The bytes of one of `files`, from the device's engine-file cache (fetched and checked once),
   * or undefined when there is no cache: the engine then fetches the URL itself.
   */
  cachedFile?: (url: string) => Promise<ArrayBuffer | undefined>;
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
}
