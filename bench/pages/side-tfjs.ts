/**
 * Bare TensorFlow.js in the page, set up as edgeserve's tfjs engine sets itself up
 * (src/engines/tfjs.ts: webgpu, or wasm SIMD on one thread from /engines/tfjs/). It is imported
 * on first use so pages that bench ONNX models never load it. Its three ways to start: from the
 * network, from the HTTP cache (same URL again), and from its own `indexeddb://` model store.
 */
import { inputsFor } from '../../test/fixtures/inputs.js';
import type { CellSpec } from '../lib/cell.js';
import type { Side, Started } from './side.js';

export const TFJS_IDB_KEY = 'indexeddb://edgeserve-bench';

async function tfjsOn(backend: 'webgpu' | 'wasm') {
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-webgpu');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (tf.getBackend() !== backend) {
    if (backend === 'wasm') {
      wasm.setWasmPaths(new URL('/engines/tfjs/', location.href).href);
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      wasm.setThreadsCount(1);
    }
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs could not start its ${backend} backend`);
    await tf.ready();
  }
  return tf;
}

/** `source` is a model.json URL or TFJS_IDB_KEY; `saveToIdb` stores the model afterwards (untimed). */
export async function startTfjs(spec: CellSpec, source: string, saveToIdb = false): Promise<Started> {
  const input = inputsFor[spec.model]!()['input_1']!;
  const t0 = performance.now();
  // Backend start-up is inside the timing: edgeserve's worker pays it on every start too.
  const tf = await tfjsOn(spec.backend === 'webgpu' ? 'webgpu' : 'wasm');
  const model = await tf.loadLayersModel(source);
  const t1 = performance.now();
  const runOnce = async () => {
    const x = tf.tensor(input.data as Float32Array, input.dims, 'float32');
    const y = model.predict(x) as import('@tensorflow/tfjs').Tensor;
    await y.data();
    tf.dispose([x, y]);
  };
  await runOnce();
  const t2 = performance.now();
  if (saveToIdb) await model.save(TFJS_IDB_KEY);
  const side: Side = {
    info: { backend: tf.getBackend(), threads: spec.backend === 'webgpu' ? 0 : 1, bytes: 0 },
    async once() {
      const started = performance.now();
      await runOnce();
      return performance.now() - started;
    },
    async dispose() {
      model.dispose();
    },
  };
  return { side, start: { loadMs: t1 - t0, firstRunMs: t2 - t1, ttfpMs: t2 - t0 } };
}
