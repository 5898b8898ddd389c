/** The bare-worker reference side (bare-ort.worker.ts): onnxruntime-web behind one postMessage. */
import type { CellSpec } from '../lib/cell.js';
import type { BareWorkerRequest } from './bare-ort.worker.js';
import { threadsFor, type Started } from './side.js';
import { startWorkerSide } from './worker-side.js';

/** Starts the worker on the model at `url` (it fetches it while its runtime starts). */
export async function startOrtWorker(spec: CellSpec, url: string): Promise<Started> {
  const threads = threadsFor(spec.backend);
  const bytes = Number((await fetch(url, { method: 'HEAD' })).headers.get('content-length') ?? 0);
  const init: BareWorkerRequest = { type: 'init', modelUrl: url, threads, wasmBase: new URL('/engines/ort/', location.href).href };
  return startWorkerSide(spec, {
    spawn: () => new Worker(new URL('./bare-ort.worker.ts', import.meta.url), { type: 'module' }),
    init,
    info: { backend: 'wasm', threads, bytes },
  });
}
