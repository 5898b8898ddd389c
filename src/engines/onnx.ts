/**
 * onnxruntime-web, in two flavours picked per session by backend: WASM sessions run on the plain
 * SIMD-threaded build, WebGPU sessions on the JSEP build. Each flavour is its own module with its
 * own `env` and WASM instance, so a worker that started on WASM and later plans WebGPU (a model
 * loaded with backend 'webgpu', or an upgrade) imports the JSEP flavour next to the first: both
 * work side by side, at the cost of a second binary in memory — never a reload of the first.
 */
import type * as Ort from 'onnxruntime-web';
import type { TensorDtype } from '../manifest/schema.js';
import type { BackendName, TensorMap } from '../protocol.js';
import type { Engine, EngineContext, EngineSession } from './engine.js';
import { startOrtRuntime } from './onnx-prepare.js';
import { ortModelInput, SPLIT_SINGLE_FILE_FROM } from './onnx-model-files.js';
import { sessionError } from './onnx-errors.js';
import { refuseOnWebgpu } from './onnx-webgpu-ops.js';
import { modelTooLargeError, size, PREPACK_BELOW } from './memory-limits.js';
import type { WasmSource } from './engine-file-cache.js';
import type { OrtFiles } from './engine-files.js';
import { collectAfterLoad, collectNow } from './onnx-release.js';
import { withFetchServed } from './engine-fetch-tap.js';

type OrtModule = typeof Ort;
type Flavour = 'wasm' | 'jsep';

export interface OrtFlavours {
  wasm: () => Promise<OrtModule>;
  jsep: () => Promise<OrtModule>;
}

const defaultOrtFlavours: OrtFlavours = {
  wasm: () => import('./ort-wasm.js') as Promise<OrtModule>,
  jsep: () => import('./ort-jsep.js') as Promise<OrtModule>,
};

const ortDtype: Record<TensorDtype, Ort.Tensor.Type> = {
  float32: 'float32',
  float16: 'float16',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  int8: 'int8',
  bool: 'bool',
};

function toOrt(ort: OrtModule, inputs: TensorMap): Record<string, Ort.Tensor> {
  const feeds: Record<string, Ort.Tensor> = {};
  for (const [name, tensor] of Object.entries(inputs)) {
    feeds[name] = new ort.Tensor(ortDtype[tensor.dtype], tensor.data as Ort.Tensor.DataType, tensor.dims);
  }
  return feeds;
}

function fromOrt(results: Ort.InferenceSession.ReturnType): TensorMap {
  const outputs: TensorMap = {};
  for (const [name, tensor] of Object.entries(results)) {
    // Output data is copied out of the WASM heap (or read back from the GPU) into its own
    // ArrayBuffer, so it is ours to transfer to the page.
    outputs[name] = { dtype: tensor.type as TensorDtype, dims: [...tensor.dims], data: tensor.data as TensorMap[string]['data'] };
  }
  return outputs;
}

/** Where a flavour's runtime files come from (engine-file-cache.ts): looked up while its module is imported. */
interface Located {
  wasm: WasmSource | undefined;
  mjs: string;
}

async function locate(files: OrtFiles, context: EngineContext): Promise<Located> {
  const cache = context.fileCache;
  // With a cache, ORT compiles the .wasm from its URL (a returning visit's HTTP cache, or a first
  // visit's download from the page's own origin), from a CDN's one download while it is checked,
  // or from the checked bytes we hand it (engine-file-cache.ts), and imports a glue URL that
  // works offline.
  const [wasm, mjs] = cache ? await Promise.all([cache.wasm(files.wasm, files.wasmSha256), cache.glue(files.mjs)]) : [undefined, files.mjs];
  return { wasm, mjs };
}

/**
 * A flavour's `env` is read when its first session initialises the WASM module and is fixed from
 * then on, so it is set once per flavour, before that first session.
 */
function configure(ort: OrtModule, files: OrtFiles, { wasm, mjs }: Located, context: EngineContext): void {
  ort.env.wasm.wasmPaths = { wasm: files.wasm, mjs };
  if (wasm && 'bytes' in wasm) ort.env.wasm.wasmBinary = wasm.bytes;
  ort.env.wasm.numThreads = context.wasmThreads;
  // The proxy worker would nest a worker in ours for nothing: we already are off the main thread.
  ort.env.wasm.proxy = false;
  ort.env.logLevel = context.logLevel ?? 'error';
}

/**
 * onnxruntime-web imports its glue (.mjs) only once its own module is in and configured, and on a
 * first visit that import waited behind the model's download on the worker's one thread (cold
 * silero-vad ×1, marks in the worker: 130 ms from the module to the request for the .wasm, 20 ms
 * without the download). Imported here beside the module, its later import of the same URL finds
 * it loaded. Same origin only: a cross-origin glue is fetched by onnxruntime-web itself (as a blob,
 * for its threads). A failure is onnxruntime-web's to meet and name (offline, it gets a blob: URL).
 */
function importGlueEarly(url: string): void {
  if (!globalThis.location || new URL(url, location.href).origin !== location.origin) return;
  import(/* webpackIgnore: true */ /* @vite-ignore */ url).catch(() => undefined);
}

/**
 * A session logs at its own severity (onnxruntime-web's default: warning), whatever env.logLevel
 * says: its graph optimizer's "Removing initializer …" warnings reached pages as console.error
 * lines (119 in one load) until the session was told the app's level too.
 */
const SEVERITY = { verbose: 0, info: 1, warning: 2, error: 3, fatal: 4 } as const;

const flavourOf = (backend: BackendName): Flavour => (backend === 'webgpu' ? 'jsep' : 'wasm');

export interface OnnxEngineOptions {
  /** Single-file models from this size are handed over as graph + their own bytes (onnx-model-files.ts). */
  splitFrom?: number;
  /**
   * Models from this size open without prepacking (session.disable_prepacking). Prepacking keeps a
   * second, packed copy of MatMul/Conv/Gemm weights in the WASM heap: without it a 256 MB model's
   * load peaks at 2.4× its bytes over idle instead of 3.4× (Chromium, all processes), and the heap
   * holds the weights once, not twice — but MLAS then sums in another order and outputs differ
   * from onnxruntime-web's defaults in their last bits (measured: max relative error 3.0e-6 vs
   * 3.5e-7 against float64). Default: PREPACK_BELOW (64 MiB; memory-limits.ts says why).
   */
  prepackBelow?: number;
  /**
   * Models from this size have V8 collect their own JavaScript copy once their session is built
   * (onnx-release.ts): at 256 MB, memory 3 s after the load falls from 2.4× the model to 1.4×
   * over idle. It costs the load nothing (timers after it). Default: SPLIT_SINGLE_FILE_FROM
   * (16 MiB), from which the weights reach the heap from external data and the copy is garbage.
   */
  collectFrom?: number;
  /**
   * Models from this size also have the garbage of their download or store read collected just
   * before the session is built, so it is not there beside the weights' heap copy at the load's
   * peak: 50 ms of the load (COLLECT_WAIT_MS), so only where memory is what limits a device.
   * Default: PREPACK_BELOW (64 MiB).
   */
  collectBeforeFrom?: number;
  /** The largest GPU buffer a WebGPU session can have (the adapter's limits); asked only for models with external data. */
  gpuBufferLimit?: () => Promise<number | undefined>;
}

/**
 * onnxruntime-web's JSEP keeps each weight in one GPU buffer. Measured on SwiftShader (maxBufferSize
 * 1 GiB): a 512 MiB MatMul weight ran right, a 1 GiB one gave all-zero outputs and no error. So a
 * tensor at the adapter's limit is refused here, before it can answer zeros.
 */
async function adapterBufferLimit(): Promise<number | undefined> {
  const adapter = await globalThis.navigator?.gpu?.requestAdapter();
  return adapter ? Math.min(adapter.limits.maxBufferSize, adapter.limits.maxStorageBufferBindingSize) : undefined;
}

/** One per host: the flavours it imported, configured and started (a failure is tried again on the next session). */
export function createOnnxEngine(
  flavours: OrtFlavours = defaultOrtFlavours,
  {
    splitFrom = SPLIT_SINGLE_FILE_FROM,
    prepackBelow = PREPACK_BELOW,
    collectFrom = SPLIT_SINGLE_FILE_FROM,
    collectBeforeFrom = PREPACK_BELOW,
    gpuBufferLimit = adapterBufferLimit,
  }: OnnxEngineOptions = {},
): Engine {
  const ready = new Map<Flavour, Promise<OrtModule>>();
  /**
   * A first visit's check of the .wasm a flavour's runtime was compiled from (engine-file-cache.ts).
   * A session may open meanwhile but is handed out only once it passed; a flavour whose check
   * failed stays here, rejected, so it is never used nor retried in this worker.
   */
  const checks = new Map<Flavour, Promise<void>>();
  /**
   * A flavour's runtime, started once: on a first visit inside the fetch tap, else here. (Started
   * again by `prepare` after the tap had started it, the second one-node session came with a first
   * visit's first prediction of 2.52 s against 2.40 s once: cold silero-vad ×1, medians of
   * bench/cold-start-ab.ts, n = 9.)
   */
  function flavour(name: Flavour, context: EngineContext): Promise<OrtModule> {
    let ort = ready.get(name);
    if (!ort) {
      const files = name === 'jsep' ? context.files.ortJsep : context.files.ortWasm;
      // The device's copies are looked up while the module is imported (on a first visit Cache
      // Storage's first open is slow), not after; and so is the glue, see importGlueEarly.
      importGlueEarly(files.mjs);
      ort = Promise.all([flavours[name](), locate(files, context)]).then(async ([module, located]) => {
        configure(module, files, located, context);
        const { wasm } = located;
        if (!wasm || !('response' in wasm)) {
          await startOrtRuntime(module);
          return module;
        }
        // A first visit: the runtime compiles from the one download (handed to its own fetch).
        await withFetchServed(wasm.url, wasm.response, () => startOrtRuntime(module));
        const check = wasm.verify();
        check.catch(() => undefined);
        checks.set(name, check);
        return module;
      });
      ort.catch(() => ready.delete(name));
      ready.set(name, ort);
    }
    return ort;
  }
  /** The session, once its flavour's runtime is known to be the file it should be (else it is released). */
  async function checked<T extends { release(): Promise<void> }>(name: Flavour, opening: Promise<T>): Promise<T> {
    try {
      await checks.get(name);
    } catch (error) {
      void opening.then(
        (session) => session.release(),
        () => undefined,
      );
      throw error;
    }
    return opening;
  }
  return {
    name: 'onnx',
    // Started while the model downloads, on the flavour the first planned backend needs.
    async prepare(context, backend = 'wasm') {
      await flavour(flavourOf(backend), context);
    },
    files: (backend, context) => {
      const own = backend === 'webgpu' ? context.files.ortJsep : context.files.ortWasm;
      return [own.mjs, own.wasm];
    },
    async create(spec, files, backend, context): Promise<EngineSession> {
      const { model, externalData, largestTensor } = ortModelInput(files, splitFrom);
      if (backend === 'webgpu') refuseOnWebgpu(model);
      const attempt = { id: spec.id, bytes: files.reduce((n, f) => n + f.bytes.byteLength, 0), backend, externalData: files.length > 1 };
      const gpuLimit = backend === 'webgpu' && largestTensor > 0 ? await gpuBufferLimit() : undefined;
      if (gpuLimit !== undefined && largestTensor >= gpuLimit) {
        throw modelTooLargeError({
          ...attempt,
          reason: 'gpu-buffer',
          limit: gpuLimit,
          why: `one of its weights is ${size(largestTensor)}, and this GPU's largest buffer is ${size(gpuLimit)} (WebGPU maxBufferSize)`,
        });
      }
      const ort = await flavour(flavourOf(backend), context);
      if (attempt.bytes >= collectBeforeFrom) await collectNow();
      const opening = ort.InferenceSession.create(model, {
        executionProviders: [backend],
        logSeverityLevel: SEVERITY[context.logLevel ?? 'error'],
        // onnxruntime-web reads each initializer's slice from these bytes into its heap (or GPU
        // buffer) and forgets them once the session is built.
        ...(externalData.length > 0 ? { externalData } : {}),
        graphOptimizationLevel: 'all',
        // ORT's pool threads otherwise busy-wait after each run for more work: on a device with
        // few cores they hold the cores that this worker's reply and the page's own thread need,
        // and every run then pays for it on the way back. (Flattened by ORT into the session
        // config key "session.intra_op.allow_spinning", and likewise for inter-op.)
        extra: {
          session: {
            intra_op: { allow_spinning: '0' },
            inter_op: { allow_spinning: '0' },
            ...(attempt.bytes >= prepackBelow ? { disable_prepacking: '1' } : {}),
          },
        },
      }).catch((error: unknown) => {
        throw sessionError(error, attempt);
      });
      const session = await checked(flavourOf(backend), opening);
      if (attempt.bytes >= collectFrom) collectAfterLoad(files.map((f) => f.bytes.buffer));
      return {
        run: async (inputs) => fromOrt(await session.run(toOrt(ort, inputs))),
        dispose: () => session.release(),
      };
    },
  };
}
