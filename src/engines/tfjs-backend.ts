/**
 * The TensorFlow.js backend a tfjs engine runs on, and the only place a backend package is
 * imported. Each backend is its own dynamic import: a page planned for WASM never downloads the
 * WebGPU backend, and neither loads WebGL or the CPU backend's registration (the packages are
 * tfjs-core plus one backend, not the `@tensorflow/tfjs` union).
 */
import * as tf from '@tensorflow/tfjs-core';
import { UnsupportedError } from '../errors.js';
import type { BackendName } from '../protocol.js';
import type { TfjsWasmName } from './engine-files.js';

/** Imports and configures one backend's package; the backend registers itself with tfjs-core on import. */
export type TfjsBackendLoader = (wasmFiles: Record<TfjsWasmName, string>) => Promise<void>;

export const tfjsBackendLoaders: Record<BackendName, TfjsBackendLoader> = {
  async wasm(wasmFiles) {
    const { setThreadsCount, setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    // A map of file → URL: the URLs are the ones bundlers emitted (packaged-engine-files.ts),
    // so tfjs never guesses a path next to its own script.
    setWasmPaths(wasmFiles);
    // tfjs-backend-wasm builds its pthread worker from a Blob of its own Emscripten source,
    // which breaks once a bundler minifies it ("e is not defined" in the nested worker), so
    // tfjs runs single-threaded SIMD here. onnxruntime-web's threads are not affected.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setThreadsCount(1);
  },
  async webgpu() {
    await import('@tensorflow/tfjs-backend-webgpu');
  },
};

/**
 * A tfjs backend chosen once per engine (one engine per host): tfjs has one active backend per
 * JS realm. A failed initialisation is forgotten, so the next attempt (e.g. the WASM fallback
 * after WebGPU) starts clean.
 */
export function tfjsBackendChooser(loaders: Record<BackendName, TfjsBackendLoader> = tfjsBackendLoaders) {
  let chosen: { backend: BackendName; ready: Promise<void> } | undefined;
  return async function useBackend(backend: BackendName, wasmFiles: Record<TfjsWasmName, string>): Promise<void> {
    if (chosen && chosen.backend !== backend) {
      // Another backend is starting or running: only its failure frees the realm for this one.
      await chosen.ready.catch(() => undefined);
      if (chosen && chosen.backend !== backend) {
        throw new UnsupportedError(`this runtime's TensorFlow.js already runs on ${chosen.backend}; create another runtime for ${backend}`, { backend });
      }
    }
    if (!chosen) {
      const ready = (async () => {
        await loaders[backend](wasmFiles);
        // setBackend resolves false (it does not throw) when the backend cannot initialise.
        if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js could not initialise its ${backend} backend`);
        await tf.ready();
      })();
      // Registered before any caller's handler, so a waiting caller sees the failure forgotten.
      ready.catch(() => {
        if (chosen?.ready === ready) chosen = undefined;
      });
      chosen = { backend, ready };
    }
    return chosen.ready;
  };
}
