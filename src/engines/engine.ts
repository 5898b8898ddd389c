/** The one interface every inference engine implements; the host never sees an engine's own API. */
import type { ModelSpec } from '../manifest/schema.js';
import type { BackendName, EngineName, TensorMap } from '../protocol.js';

export interface EngineContext {
  /** Base URL of onnxruntime-web's .wasm/.mjs files (absolute, ending in "/"). */
  ortWasmBase: string;
  /** Base URL of tfjs-backend-wasm's .wasm files (absolute, ending in "/"). */
  tfjsWasmBase: string;
  /** WASM threads to use; 1 when the page is not cross-origin isolated. */
  wasmThreads: number;
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
  /** Optional: fetch, compile and start the engine's runtime before any model bytes are there. */
  prepare?(context: EngineContext): Promise<void>;
  /** The engine's own files a backend loads (.mjs/.wasm): checked, and named, when no session opens. */
  files?(backend: BackendName, context: EngineContext): string[];
}
