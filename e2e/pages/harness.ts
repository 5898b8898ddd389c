/**
 * The page Playwright drives: the real library, real inputs, nothing mocked. Tests call into
 * `window.harness` with page.evaluate.
 */
import * as comlink from 'comlink';
import { defaultWorkerFactory } from '../../src/client/default-worker.js';
import * as edgeserve from '../../src/index.js';
import * as inputs from '../../test/fixtures/inputs.js';
import { openDeviceState } from '../../src/state/device-state.js';
import { chunkHasher } from '../../src/integrity/chunk-hasher.js';

/** A runtime worker whose host treats the WebGPU adapter as hardware (auto-backend-measured.spec.ts). */
const adapterAsHardwareWorker = (name: string) => new Worker(new URL('./adapter-as-hardware.worker.ts', import.meta.url), { type: 'module', name });

/** Another Comlink user on the page (its own worker, the page's Comlink): for the good-neighbour spec. */
const neighbour = () => comlink.wrap<{ fail(): void; echo(value: string): string }>(new Worker(new URL('./neighbour.worker.ts', import.meta.url), { type: 'module' }));

/** A runtime worker whose engine spins forever on an input starting with -7777 (e2e/worker-watchdog.spec.ts). */
const spinWorkerFactory = (name: string) => new Worker(new URL('./spin.worker.ts', import.meta.url), { type: 'module', name });

/** What a failed load tells the page: the typed error and its explanation (the error-cause specs). */
async function loadFailure(options: edgeserve.RuntimeOptions, id = 'ocr-cls') {
  const runtime = edgeserve.createRuntime(options);
  try {
    await runtime.load(id);
    return undefined;
  } catch (e) {
    const err = e as edgeserve.EdgeServeError;
    return { ...edgeserve.explainError(err, true), code: err.code, message: err.message, details: err.details };
  } finally {
    runtime.dispose();
  }
}

/** For the shared-memory channel spec: a gap between calls (the worker parks in it), output equality, its call count, a parked worker. */
const channel = {
  pause: (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms)),
  sameTensor: (a: edgeserve.Tensor, b: edgeserve.Tensor) => a.dims.join() === b.dims.join() && a.data.length === b.data.length && a.data.every((v, k) => v === b.data[k]),
  sharedCalls: async (runtime: edgeserve.Runtime, id: string) => (await runtime.metrics()).models.find((m) => m.model === id)?.sharedMemoryCalls ?? 0,
  /** silero-vad on WASM after one call and a pause: the worker is parked, waiting on the channel. */
  parkedSilero: async () => {
    const runtime = edgeserve.createRuntime({ backend: 'wasm' });
    const model = await runtime.load('silero-vad');
    await model.predict(inputs.sileroInput(0));
    await channel.pause();
    return { runtime, model };
  },
};

/** The store's chunk hasher itself, off the thread or not (chunk-hasher.spec.ts). */
const hashing = { chunkHasher };

/** The device state module itself, on real IndexedDB (device-id-race.spec.ts). */
const deviceState = { openDeviceState };

const harness = {
  edgeserve,
  deviceState,
  defaultWorkerFactory,
  inputs,
  ctcDecode: edgeserve.ctcDecode,
  adapterAsHardwareWorker,
  neighbour,
  spinWorkerFactory,
  loadFailure,
  channel,
  hashing,
};
declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
document.getElementById('status')!.textContent = 'ready';
