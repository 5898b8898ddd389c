/**
 * onnxruntime-web in Node: the same WASM kernels the browser runs (no onnxruntime-node here).
 * One thread, because that is what a page without cross-origin isolation gets, and because
 * the WASM backend's settings are global: set them once, before the first session.
 */
import * as ort from 'onnxruntime-web';

let configured = false;

export async function createSession(bytes: Uint8Array, opts: ort.InferenceSession.SessionOptions = {}): Promise<ort.InferenceSession> {
  if (!configured) {
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    configured = true;
  }
  return ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', executionProviders: ['wasm'], ...opts });
}

export type Feeds = Record<string, ort.Tensor>;
export { ort };
