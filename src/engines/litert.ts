/**
 * LiteRT.js (`@litertjs/core`) for `.tflite` models, on its 'wasm' (XNNPACK) or 'webgpu'
 * accelerator. A model is compiled from the store's checked bytes, and before it counts as
 * opened on WASM it runs once on zeros: LiteRT.js compiles a model whose custom op it lacks
 * (a MediaPipe op, say) without a word and then returns garbage, printing only "Encountered
 * unresolved custom op" — so that run, and every later one, is read for LiteRT.js's errors.
 * On WebGPU a model the delegate does not take whole would quietly run on the CPU instead:
 * that is refused, so the backend resolver falls back to WASM and says why.
 */
import type * as Litert from '@litertjs/core';
import { UnsupportedError } from '../errors.js';
import type { ModelSpec, TensorDtype } from '../manifest/schema.js';
import type { TensorMap } from '../protocol.js';
import type { Engine, EngineSession } from './engine.js';
import { isAllocationFailure } from './onnx-errors.js';
import { modelTooLargeError } from './memory-limits.js';
import { litertRuntime, type LitertModule, type LitertRuntime } from './litert-runtime.js';

/** The only tensor types LiteRT.js 2.5 moves in and out of a model. */
const LITERT_DTYPES: ReadonlySet<TensorDtype> = new Set(['float32', 'int32', 'uint8']);

function refuseDtypes(spec: ModelSpec): void {
  for (const t of [...spec.inputs, ...spec.outputs]) {
    if (!LITERT_DTYPES.has(t.dtype)) {
      throw new UnsupportedError(`"${spec.id}": ${t.name} is ${t.dtype}; LiteRT.js passes float32, int32 and uint8 tensors only`, { id: spec.id, tensor: t.name, dtype: t.dtype });
    }
  }
}

/** LiteRT.js's error lines as the error a caller gets: UNSUPPORTED naming the op it lacks, else the lines. */
function runtimeError(spec: ModelSpec, lines: string[]): Error {
  const ops = [...new Set(lines.flatMap((line) => /unresolved custom op: ([^\s.]+)/i.exec(line)?.[1] ?? []))];
  if (ops.length > 0) {
    return new UnsupportedError(
      `"${spec.id}" uses the custom op ${ops.join(', ')}, which LiteRT.js does not have (MediaPipe registers its own ops; LiteRT.js runs TFLite's built-in ops and XNNPACK's)`,
      { id: spec.id, op: ops[0], ops },
    );
  }
  return new Error(`LiteRT.js: ${lines.join(' ')}`);
}

/** The model's own names must be the manifest's: a run feeds and reads tensors by name. */
function checkNames(spec: ModelSpec, compiled: Litert.CompiledModel): void {
  for (const [side, declared, actual] of [
    ['input', spec.inputs, compiled.getInputDetails()],
    ['output', spec.outputs, compiled.getOutputDetails()],
  ] as const) {
    const names = actual.map((d) => d.name);
    const missing = declared.filter((t) => !names.includes(t.name)).map((t) => t.name);
    if (missing.length > 0) {
      throw new UnsupportedError(`"${spec.id}": the manifest names ${side} ${missing.join(', ')}, which the model lacks (its ${side}s: ${names.join(', ')})`, {
        id: spec.id,
        [side]: missing,
      });
    }
  }
}

function zeros(litert: LitertModule, compiled: Litert.CompiledModel): Litert.Tensor[] {
  return compiled.getInputDetails().map((d) => {
    const count = d.shape.reduce((n, x) => n * Math.max(1, x), 1);
    const data = d.dtype === 'float32' ? new Float32Array(count) : d.dtype === 'int32' ? new Int32Array(count) : new Uint8Array(count);
    return new litert.Tensor(
      data,
      [...d.shape].map((x) => Math.max(1, x)),
    );
  });
}

/** One per host; LiteRT.js itself is one per worker (litert-runtime.ts). */
export function createLitertEngine(runtime: LitertRuntime = litertRuntime()): Engine {
  return {
    name: 'litert',
    // Started while the model downloads: the build's .wasm fetched, checked and compiled.
    prepare: async (context) => {
      await runtime.start(context);
    },
    files: (_backend, context) => {
      const own = runtime.files(context);
      return [own.mjs, own.wasm];
    },
    async create(spec, files, backend, context): Promise<EngineSession> {
      refuseDtypes(spec);
      const litert = await runtime.start(context);
      const bytes = files[0]!.bytes;
      const compiled = await litert.loadAndCompile(bytes, { accelerator: backend }).catch((error: unknown) => {
        if (!isAllocationFailure(error)) throw error;
        const why = 'LiteRT.js ran out of memory compiling it';
        throw modelTooLargeError({ id: spec.id, bytes: bytes.byteLength, backend, externalData: false, reason: 'engine-allocation', why, cause: String(error) });
      });
      const run = async (feeds: Litert.Tensor[] | Record<string, Litert.Tensor>): Promise<Litert.Tensor[] | Record<string, Litert.Tensor>> => {
        const { value, errors } = await runtime.log.during(() => compiled.run(feeds));
        if (errors.length === 0) return value;
        for (const t of Object.values(value)) t.delete();
        throw runtimeError(spec, errors);
      };
      try {
        checkNames(spec, compiled);
        if (backend === 'webgpu' && !compiled.isFullyAccelerated) {
          throw new Error("LiteRT.js's WebGPU delegate does not take every op of this model (it would run them on the CPU)");
        }
        if (backend === 'wasm') {
          const inputs = zeros(litert, compiled);
          try {
            for (const t of Object.values(await run(inputs))) t.delete();
          } finally {
            for (const t of inputs) t.delete();
          }
        }
      } catch (error) {
        compiled.delete();
        throw error;
      }
      return {
        wasmThreads: 1,
        async run(inputs: TensorMap): Promise<TensorMap> {
          // LiteRT.js's tensors live in its WASM heap (or on the GPU) until deleted: every one made
          // here is deleted on every path, a failed run's too.
          const made: Litert.Tensor[] = [];
          try {
            const feeds: Record<string, Litert.Tensor> = {};
            for (const input of spec.inputs) {
              const given = inputs[input.name];
              if (!given) throw new Error(`missing input ${input.name}`);
              const tensor = new litert.Tensor(given.data as Litert.TypedArray, given.dims);
              made.push(tensor);
              feeds[input.name] = tensor;
            }
            const results = (await run(feeds)) as Record<string, Litert.Tensor>;
            made.push(...Object.values(results));
            const outputs: TensorMap = {};
            for (const output of spec.outputs) {
              const tensor = results[output.name]!;
              // data() copies out of the heap (or reads back from the GPU): the buffer is ours to transfer.
              outputs[output.name] = { dtype: tensor.type.dtype, dims: [...tensor.type.layout.dimensions], data: (await tensor.data()) as TensorMap[string]['data'] };
            }
            return outputs;
          } finally {
            for (const t of made) if (!t.deleted) t.delete();
          }
        },
        async dispose() {
          compiled.delete();
        },
      };
    },
  };
}
