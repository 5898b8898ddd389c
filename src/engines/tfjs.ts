/**
 * TensorFlow.js: the webgpu backend, or the wasm backend (SIMD, one thread: see below).
 * tfjs has one active backend per JS realm, so a runtime (one worker) runs all its
 * tfjs models on the backend its first tfjs model chose; asking for another is UNSUPPORTED.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { UnsupportedError } from '../errors.js';
import type { BackendName, TensorMap } from '../protocol.js';
import type { Engine, EngineSession, ModelFile } from './engine.js';
import type { TfjsWasmName } from './engine-files.js';

/**
 * A tfjs backend chosen once per engine (one engine per host). A failed initialisation is
 * forgotten, so the next attempt (e.g. the WASM fallback after WebGPU) starts clean.
 */
function backendChooser() {
  let active: BackendName | undefined;
  let ready: Promise<void> | undefined;
  return async function useBackend(backend: BackendName, wasmFiles: Record<TfjsWasmName, string>): Promise<void> {
    if (active && active !== backend) {
      throw new UnsupportedError(`this runtime's TensorFlow.js already runs on ${active}; create another runtime for ${backend}`, { backend });
    }
    if (!ready) {
      const attempt = (async () => {
        if (backend === 'wasm') {
          setWasmPaths(wasmFiles);
          // tfjs-backend-wasm builds its pthread worker from a Blob of its own Emscripten source,
          // which breaks once a bundler minifies it ("e is not defined" in the nested worker), so
          // tfjs runs single-threaded SIMD here. onnxruntime-web's threads are not affected.
          tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
          setThreadsCount(1);
        }
        // setBackend resolves false (it does not throw) when the backend cannot initialise.
        if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js could not initialise its ${backend} backend`);
        await tf.ready();
        active = backend;
      })();
      attempt.catch(() => {
        if (ready === attempt) ready = undefined;
      });
      ready = attempt;
    }
    return ready;
  };
}

interface ModelJson {
  format?: string;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

function concat(parts: Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out.buffer;
}

function artifacts(files: ModelFile[]): tf.io.ModelArtifacts {
  const [json, ...weights] = files;
  if (!json) throw new Error('a tfjs variant lists model.json first');
  const model = JSON.parse(new TextDecoder().decode(json.bytes)) as ModelJson;
  // Weight files come in manifest order, which is the order of weightsManifest paths.
  return {
    modelTopology: model.modelTopology,
    format: model.format,
    weightSpecs: model.weightsManifest.flatMap((group) => group.weights),
    weightData: concat(weights.map((w) => w.bytes)),
  };
}

/** One per host. tfjs itself is one per JS realm (a worker), which is why the backend is chosen once. */
export function createTfjsEngine(): Engine {
  const useBackend = backendChooser();
  return {
    name: 'tfjs',
    // Started while the model is read or downloaded: the backend's .wasm fetched and compiled.
    prepare: (context, backend = 'wasm') => useBackend(backend, context.files.tfjs),
    // Single-threaded SIMD (see backendChooser); the WebGPU backend loads no file of its own.
    files: (backend, context) => (backend === 'wasm' ? [context.files.tfjs['tfjs-backend-wasm-simd.wasm']] : []),
    async create(entry, files, backend, context): Promise<EngineSession> {
      await useBackend(backend, context.files.tfjs);
      const modelArtifacts = artifacts(files);
      const handler = tf.io.fromMemory(modelArtifacts);
      const model: tf.LayersModel | tf.GraphModel =
        modelArtifacts.format === 'graph-model' ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler);
      const outputNames = entry.outputs.map((o) => o.name);
      return {
        async run(inputs: TensorMap): Promise<TensorMap> {
          const feeds = entry.inputs.map((spec) => {
            const t = inputs[spec.name];
            if (!t) throw new Error(`missing input ${spec.name}`);
            return tf.tensor(t.data as Float32Array, t.dims, t.dtype === 'int32' ? 'int32' : 'float32');
          });
          const result = model.predict(feeds.length === 1 ? feeds[0]! : feeds);
          const tensors = Array.isArray(result) ? result : [result as tf.Tensor];
          try {
            const outputs: TensorMap = {};
            for (const [i, tensor] of tensors.entries()) {
              outputs[outputNames[i] ?? `output_${i}`] = { dtype: 'float32', dims: tensor.shape, data: (await tensor.data()) as Float32Array };
            }
            return outputs;
          } finally {
            tf.dispose([...feeds, ...tensors]);
          }
        },
        wasmThreads: 1,
        async dispose() {
          model.dispose();
        },
      };
    },
  };
}
