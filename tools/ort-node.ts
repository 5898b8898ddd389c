/**
 * onnxruntime-web in Node: the same WASM kernels the browser runs (no onnxruntime-node here).
 * One thread, because that is what a page without cross-origin isolation gets, and because
 * the WASM backend's settings are global: set them once, before the first session.
 */
import * as ort from 'onnxruntime-web';

let configured = false;

/**
 * onnxruntime's own warnings ("Removing initializer …": dozens on a model quantize rewrote) go to
 * stderr around the CLI's lines unless the session is told otherwise (its default severity is
 * warning, whatever env.logLevel says); `--verbose` shows them.
 */
let severity: 0 | 1 | 2 | 3 | 4 = 3;
export function showOrtWarnings(show: boolean): void {
  severity = show ? 2 : 3;
}

export async function createSession(bytes: Uint8Array, opts: ort.InferenceSession.SessionOptions = {}): Promise<ort.InferenceSession> {
  if (!configured) {
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    configured = true;
  }
  return ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', executionProviders: ['wasm'], logSeverityLevel: severity, ...opts });
}

export type Feeds = Record<string, ort.Tensor>;
export { ort };
