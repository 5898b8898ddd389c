/**
 * The host's engines: one per model format, made on first use (a failed import is tried again
 * next time), and the context every session is opened with — the engines' own files, the
 * device's copy of them, and how many WASM threads to use.
 */
import type { DetectedCapabilities } from '../capabilities.js';
import type { Engine, EngineContext } from '../engines/engine.js';
import type { EngineFileCache } from '../engines/engine-file-cache.js';
import { engineFilesAt, withKnownHashes, type EngineFiles } from '../engines/engine-files.js';
import type { EngineRegistry } from '../engines/registry.js';
import type { ModelFormat } from '../manifest/schema.js';
import type { LogLevel } from '../protocol.js';

export interface EnginePoolOptions {
  registry: EngineRegistry;
  /** Where the engines' files are when the app names no `engineAssetsUrl`. */
  packagedFiles: () => EngineFiles;
  /** The device's copy of the engine files; undefined: the engines fetch them by URL. */
  fileCache: () => EngineFileCache | undefined;
  engineAssetsUrl?: string;
  /** The app's thread count; default min(4, cores) where threads work. */
  wasmThreads?: number;
  /** The engines' own logging; default 'error'. */
  logLevel?: LogLevel;
}

export class EnginePool {
  private readonly engines = new Map<ModelFormat, Promise<Engine>>();
  private fileCache: EngineFileCache | undefined | null = null;

  constructor(private readonly options: EnginePoolOptions) {}

  /** Writes the engine files' device copies a first visit deferred (engine-file-cache.ts `flush`). */
  async settle(): Promise<void> {
    await this.fileCache?.flush();
  }

  /** Whether a first visit's engine-file copies wait for `settle()`. */
  get unsettled(): boolean {
    return this.fileCache?.pending() ?? false;
  }

  engine(format: ModelFormat): Promise<Engine> {
    let engine = this.engines.get(format);
    if (!engine) {
      engine = this.options.registry[format]();
      engine.catch(() => this.engines.delete(format));
      this.engines.set(format, engine);
    }
    return engine;
  }

  context(detected: DetectedCapabilities): EngineContext {
    // Four threads: past that, on the devices measured, onnxruntime-web's pool gains little and
    // takes cores the page needs.
    const threads = detected.wasmThreads ? (this.options.wasmThreads ?? Math.min(4, detected.hardwareConcurrency)) : 1;
    const packaged = this.options.packagedFiles();
    const files = this.options.engineAssetsUrl ? withKnownHashes(engineFilesAt(this.options.engineAssetsUrl), packaged) : packaged;
    if (this.fileCache === null) this.fileCache = this.options.fileCache();
    return { files, wasmThreads: threads, logLevel: this.options.logLevel ?? 'error', ...(this.fileCache ? { fileCache: this.fileCache } : {}) };
  }
}
