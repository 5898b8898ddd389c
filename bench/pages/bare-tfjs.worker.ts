/// <reference lib="webworker" />
/**
 * TensorFlow.js alone in a dedicated worker, set up as edgeserve's tfjs engine sets itself up
 * (src/engines/tfjs.ts: wasm SIMD, one thread, files from /engines/tfjs/), with nothing around
 * it: the start-up floor of a worker-based runtime on a tfjs model. It loads the model from the
 * network or from its own `indexeddb://` store (filled by `save`, untimed, after a cold start).
 */
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { TensorMap } from '../../src/index.js';
import type { BareWorkerStarted } from './bare-ort.worker.js';

export const TFJS_WORKER_IDB_KEY = 'indexeddb://edgeserve-bench-worker';

export type BareTfjsWorkerRequest = { type: 'init'; modelUrl: string; source: 'network' | 'idb'; wasmBase: string } | { type: 'run'; inputs: TensorMap } | { type: 'save' };

let model: tf.LayersModel | undefined;

const epochNow = () => performance.timeOrigin + performance.now();

async function handle(request: BareTfjsWorkerRequest): Promise<void> {
  if (request.type === 'init') {
    setWasmPaths(request.wasmBase);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setThreadsCount(1);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs could not start its wasm backend');
    await tf.ready();
    const runtimeAt = epochNow();
    model = await tf.loadLayersModel(request.source === 'idb' ? TFJS_WORKER_IDB_KEY : request.modelUrl);
    const started: BareWorkerStarted = { runtimeAt, sessionAt: epochNow() };
    postMessage({ ok: true, started });
    return;
  }
  if (request.type === 'save') {
    await model!.save(TFJS_WORKER_IDB_KEY);
    postMessage({ ok: true });
    return;
  }
  const [input] = Object.values(request.inputs);
  const x = tf.tensor(input!.data as Float32Array, input!.dims, 'float32');
  const y = model!.predict(x) as tf.Tensor;
  const data = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  postMessage({ ok: true, outputs: { y: { dtype: 'float32', dims: y.shape, data } } }, [data.buffer]);
}

self.onmessage = (event: MessageEvent<BareTfjsWorkerRequest>) => {
  handle(event.data).catch((error: unknown) => postMessage({ ok: false, error: String(error) }));
};
