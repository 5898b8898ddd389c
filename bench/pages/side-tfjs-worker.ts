/** TensorFlow.js alone in a new worker (bare-tfjs.worker.ts), started and timed like the other sides. */
import { inputsFor } from '../../test/fixtures/inputs.js';
import { tensorBuffers } from '../../src/protocol.js';
import type { CellSpec } from '../lib/cell.js';
import type { BareWorkerStarted } from './bare-ort.worker.js';
import type { BareTfjsWorkerRequest } from './bare-tfjs.worker.js';
import { cloneInputs, type Started } from './side.js';

type Reply = { ok: boolean; error?: string; started?: BareWorkerStarted };

/** From the network (a cold visit: the model is then kept in the worker's `indexeddb://`, untimed) or from that store. */
export async function startTfjsWorker(spec: CellSpec, url: string, source: 'network' | 'idb'): Promise<Started> {
  const t0 = performance.now();
  const sinceT0 = (epochMs: number) => Math.round(epochMs - performance.timeOrigin - t0);
  const worker = new Worker(new URL('./bare-tfjs.worker.ts', import.meta.url), { type: 'module' });
  const ask = (request: BareTfjsWorkerRequest, transfer: Transferable[] = []) =>
    new Promise<Reply>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<Reply>) => (event.data.ok ? resolve(event.data) : reject(new Error(event.data.error)));
      worker.postMessage(request, transfer);
    });
  const { started } = await ask({ type: 'init', modelUrl: url, source, wasmBase: new URL('/engines/tfjs/', location.href).href });
  const t1 = performance.now();
  const template = inputsFor[spec.model]!();
  const once = async () => {
    const inputs = cloneInputs(template);
    const begun = performance.now();
    await ask({ type: 'run', inputs }, tensorBuffers(inputs));
    return performance.now() - begun;
  };
  const firstRunMs = await once();
  if (source === 'network') await ask({ type: 'save' });
  return {
    side: { info: { backend: 'wasm', threads: 1, bytes: 0 }, once, dispose: async () => worker.terminate() },
    start: {
      loadMs: t1 - t0,
      firstRunMs,
      ttfpMs: t1 - t0 + firstRunMs,
      phases: { runtime: sinceT0(started!.runtimeAt), session: sinceT0(started!.sessionAt) },
    },
  };
}
