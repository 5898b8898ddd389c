/**
 * onnxruntime-web: the WebGPU execution provider, or the WASM one (SIMD, threads when the page
 * is cross-origin isolated). Both live in the same JSEP binary, served from our own URL.
 */
import * as ort from 'onnxruntime-web';
import type { TensorDtype } from '../manifest/schema.js';
import type { TensorMap } from '../protocol.js';
import type { Engine, EngineContext, EngineSession } from './engine.js';
import { startOrtRuntime } from './onnx-prepare.js';

let configuredFor: string | undefined;

/** ort.env is global and read at the first session; set it once, and refuse to change it later. */
function configure(context: EngineContext): void {
  const key = `${context.ortWasmBase}|${context.wasmThreads}`;
  if (configuredFor === key) return;
  ort.env.wasm.wasmPaths = context.ortWasmBase;
  ort.env.wasm.numThreads = context.wasmThreads;
  // The proxy worker would nest a worker in ours for nothing: we already are off the main thread.
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  configuredFor = key;
}

type OrtDtype = ort.Tensor.Type;
const ortDtype: Record<TensorDtype, OrtDtype> = {
  float32: 'float32',
  float16: 'float16',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  int8: 'int8',
  bool: 'bool',
};

function toOrt(inputs: TensorMap): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, tensor] of Object.entries(inputs)) {
    feeds[name] = new ort.Tensor(ortDtype[tensor.dtype], tensor.data as ort.Tensor.DataType, tensor.dims);
  }
  return feeds;
}

function fromOrt(results: ort.InferenceSession.ReturnType): TensorMap {
  const outputs: TensorMap = {};
  for (const [name, tensor] of Object.entries(results)) {
    // Output data is copied out of the WASM heap (or read back from the GPU) into its own
    // ArrayBuffer, so it is ours to transfer to the page.
    outputs[name] = { dtype: tensor.type as TensorDtype, dims: [...tensor.dims], data: tensor.data as TensorMap[string]['data'] };
  }
  return outputs;
}

export const onnxEngine: Engine = {
  name: 'onnx',
  async prepare(context) {
    configure(context);
    await startOrtRuntime(ort);
  },
  // Both backends load the JSEP build (WebGPU and WASM live in one binary).
  files: (_backend, context) => ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'].map((f) => `${context.ortWasmBase}${f}`),
  async create(_model, files, backend, context): Promise<EngineSession> {
    configure(context);
    const [file] = files;
    if (!file) throw new Error('an ONNX variant has exactly one file');
    const session = await ort.InferenceSession.create(file.bytes, {
      executionProviders: [backend],
      graphOptimizationLevel: 'all',
      // ORT's pool threads otherwise busy-wait after each run for more work: on a device with
      // few cores they hold the cores that this worker's reply and the page's own thread need,
      // and every run then pays for it on the way back. (Flattened by ORT into the session
      // config key "session.intra_op.allow_spinning", and likewise for inter-op.)
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
    return {
      run: async (inputs) => fromOrt(await session.run(toOrt(inputs))),
      dispose: () => session.release(),
    };
  },
};
