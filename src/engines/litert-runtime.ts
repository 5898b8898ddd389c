/**
 * LiteRT.js's runtime in this worker: one per JS realm (LiteRT.js keeps a global instance, as
 * TensorFlow.js keeps one backend), started once for every tflite model, on the first model's
 * load (a failed start is forgotten, so the next load tries again). The glue and .wasm are the
 * engine files edgeserve serves (engine-files.ts), checked and kept on the device like
 * onnxruntime-web's (engine-file-cache.ts): relaxed-SIMD build where the browser has relaxed
 * SIMD, else the compat build. One thread: LiteRT.js's threaded build needs its own pthread
 * workers from a classic script, which a module worker cannot start.
 *
 * LiteRT.js writes its log (INFO lines at every start and compile, and its errors) through
 * Emscripten's print/printErr: here they go to `log`, where the engine reads the errors of a
 * compile or run (an unresolved custom op is such a line, and the run otherwise returns
 * garbage) and the rest stays out of the page's console.
 */
import type * as Litert from '@litertjs/core';
import type { EngineContext } from './engine.js';
import type { OrtFiles } from './engine-files.js';
import { provideWasmModule } from './litert-wasm-lib.js';
import { withFetchServed } from './engine-fetch-tap.js';

export type LitertModule = typeof Litert;
/** The Emscripten module factory the glue defines. */
export type ModuleFactory = (moduleArg: Record<string, unknown>) => Promise<unknown>;
/** How the glue is loaded: in a browser, imported as an ES module (its .mjs copy). */
export type GlueImporter = (url: string) => Promise<ModuleFactory>;

const importGlue: GlueImporter = async (url) => ((await import(/* webpackIgnore: true */ /* @vite-ignore */ url)) as { default: ModuleFactory }).default;

/** The lines LiteRT.js prints while `work` runs, next to its result. */
export interface LitertLog {
  during<T>(work: () => Promise<T>): Promise<{ value: T; errors: string[] }>;
}

function createLog(): LitertLog & { line(text: string): void } {
  const listening = new Set<string[]>();
  return {
    line(text) {
      // INFO and WARNING lines describe LiteRT.js's own set-up (accelerators registered, the
      // XNNPACK delegate made): nothing a page can act on.
      if (!/^ERROR/.test(text) && !/unresolved custom op|failed to prepare/i.test(text)) return;
      for (const lines of listening) lines.push(text);
    },
    async during(work) {
      const lines: string[] = [];
      listening.add(lines);
      try {
        const value = await work();
        return { value, errors: lines };
      } finally {
        listening.delete(lines);
      }
    },
  };
}

export interface LitertRuntime {
  /** LiteRT.js, loaded (once) with the build this browser runs. */
  start(context: EngineContext): Promise<LitertModule>;
  /** The build in use, once started: the files a missing-file check names. */
  files(context: EngineContext): OrtFiles;
  log: LitertLog;
}

export interface LitertRuntimeOptions {
  importGlue?: GlueImporter;
  /** Default: LiteRT.js's own probe (a relaxed-SIMD module validated by the browser). */
  relaxedSimd?: (litert: LitertModule) => Promise<boolean>;
}

export function litertRuntime({ importGlue: load = importGlue, relaxedSimd = (l) => l.supportsFeature('relaxedSimd') }: LitertRuntimeOptions = {}): LitertRuntime {
  const log = createLog();
  let ready: Promise<LitertModule> | undefined;
  let chosen: 'simd' | 'compat' | undefined;
  let unchecked = false;
  async function start(context: EngineContext): Promise<LitertModule> {
    const litert = await import('@litertjs/core');
    chosen = (await relaxedSimd(litert)) ? 'simd' : 'compat';
    const files = context.files.litert[chosen];
    const cache = context.fileCache;
    const [wasm, glue] = cache ? await Promise.all([cache.wasm(files.wasm, files.wasmSha256), cache.glue(files.mjs)]) : [undefined, files.mjs];
    const factory = await load(glue);
    // loadLiteRt takes a glue path ending in .js; the module behind it is ours (litert-wasm-lib.ts).
    const path = `edgeserve-litert-${chosen}.js`;
    provideWasmModule(path, () =>
      factory({
        locateFile: (name: string) => (name.endsWith('.wasm') ? files.wasm : name),
        ...(wasm && 'bytes' in wasm ? { wasmBinary: wasm.bytes } : {}),
        print: log.line,
        printErr: log.line,
      }),
    );
    if (wasm && 'response' in wasm) {
      // A first visit: the glue compiles from the one download while it is checked (engine-fetch-tap.ts).
      // A runtime compiled from bytes that then failed their check is never used, nor retried here.
      const failed = (error: unknown) => {
        unchecked = true;
        throw error;
      };
      await withFetchServed(wasm.url, wasm.response, () => litert.loadLiteRt(path));
      await wasm.verify().catch(failed);
    } else {
      await litert.loadLiteRt(path);
    }
    return litert;
  }
  return {
    start(context) {
      if (!ready) {
        ready = start(context);
        ready.catch(() => {
          if (!unchecked) ready = undefined;
        });
      }
      return ready;
    },
    files: (context) => context.files.litert[chosen ?? 'simd'],
    log,
  };
}
