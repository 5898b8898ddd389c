/** The bare-worker reference side (bare-ort.worker.ts): onnxruntime-web behind one postMessage. */
import { inputsFor } from '../../test/fixtures/inputs.js';
import { tensorBuffers } from '../../src/protocol.js';
import type { CellSpec } from '../lib/cell.js';
import type { BareWorkerRequest, BareWorkerStarted } from './bare-ort.worker.js';
import { cloneInputs, threadsFor, type Started } from './side.js';

type Reply = { ok: boolean; error?: string; started?: BareWorkerStarted };

/**
 * Starts the worker on the model at `url`, timed like the other sides (load call → first
 * prediction); its phases say when the worker began, the runtime was ready and the session open.
 */
export async function startOrtWorker(spec: CellSpec, url: string): Promise<Started> {
  const t0 = performance.now();
  const sinceT0 = (epochMs: number) => Math.round(epochMs - performance.timeOrigin - t0);
  const worker = new Worker(new URL('./bare-ort.worker.ts', import.meta.url), { type: 'module' });
  const ask = (request: BareWorkerRequest, transfer: Transferable[] = []) =>
    new Promise<Reply>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<Reply>) => (event.data.ok ? resolve(event.data) : reject(new Error(event.data.error)));
      worker.postMessage(request, transfer);
    });
  const threads = threadsFor(spec.backend);
  const { started } = await ask({ type: 'init', modelUrl: url, threads, wasmBase: new URL('/engines/ort/', location.href).href });
  const t1 = performance.now();
  const template = inputsFor[spec.model]!();
  const once = async () => {
    const inputs = cloneInputs(template);
    const begun = performance.now();
    await ask({ type: 'run', inputs }, tensorBuffers(inputs));
    return performance.now() - begun;
  };
  const firstRunMs = await once();
  const bytes = Number((await fetch(url, { method: 'HEAD' })).headers.get('content-length') ?? 0);
  return {
    side: { info: { backend: 'wasm', threads, bytes }, once, dispose: async () => worker.terminate() },
    start: {
      loadMs: t1 - t0,
      firstRunMs,
      ttfpMs: t1 - t0 + firstRunMs,
      phases: { runtime: sinceT0(started!.runtimeAt), session: sinceT0(started!.sessionAt) },
    },
  };
}
