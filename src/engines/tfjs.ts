/**
 * TensorFlow.js: the webgpu backend, or the wasm backend (SIMD, one thread: tfjs-backend.ts).
 * tfjs has one active backend per JS realm, so a runtime (one worker) runs all its
 * tfjs models on the backend its first tfjs model chose; asking for another is UNSUPPORTED.
 * Built on tfjs-core with one backend and one model loader, each imported when used.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorMap } from '../protocol.js';
import type { Engine, EngineSession } from './engine.js';
import { tfjsBackendChooser } from './tfjs-backend.js';
import { importTfjsLoader, loadTfjsModel, tfjsArtifacts } from './tfjs-model.js';
import { fromTfjsTensor, toTfjsTensor } from './tfjs-tensors.js';

/** One per host. tfjs itself is one per JS realm (a worker), which is why the backend is chosen once. */
export function createTfjsEngine(useBackend = tfjsBackendChooser()): Engine {
  return {
    name: 'tfjs',
    // Started while the model is read or downloaded: the backend's .wasm fetched and compiled.
    prepare: (context, backend = 'wasm') => useBackend(backend, context.files.tfjs),
    // Single-threaded SIMD (tfjs-backend.ts); the WebGPU backend loads no file of its own.
    files: (backend, context) => (backend === 'wasm' ? [context.files.tfjs['tfjs-backend-wasm-simd.wasm']] : []),
    async create(spec, files, backend, context): Promise<EngineSession> {
      const artifacts = tfjsArtifacts(files);
      // The format's loader (its own chunk) is fetched while the backend starts.
      const loader = importTfjsLoader(artifacts.format);
      loader.catch(() => undefined);
      await useBackend(backend, context.files.tfjs);
      const model = await loadTfjsModel(spec, artifacts, await loader);
      return {
        async run(inputs: TensorMap): Promise<TensorMap> {
          // Every tensor made here is disposed on every path: a run that throws (a bad shape, an
          // op the backend lacks) must not leave its inputs, or a half-run's outputs, behind.
          const made: tf.Tensor[] = [];
          try {
            const feeds: Record<string, tf.Tensor> = {};
            for (const [i, input] of spec.inputs.entries()) {
              const given = inputs[input.name];
              if (!given) throw new Error(`missing input ${input.name}`);
              const tensor = toTfjsTensor(input.name, given);
              made.push(tensor);
              feeds[model.inputNames[i]!] = tensor;
            }
            const results = await model.run(feeds, model.outputNames);
            made.push(...results);
            const outputs: TensorMap = {};
            for (const [i, output] of spec.outputs.entries()) outputs[output.name] = await fromTfjsTensor(output.name, results[i]!, output.dtype);
            return outputs;
          } finally {
            tf.dispose(made);
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
