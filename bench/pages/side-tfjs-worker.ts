/** TensorFlow.js alone in a new worker (bare-tfjs.worker.ts), started and timed like the other sides. */
import type { CellSpec } from '../lib/cell.js';
import type { BareTfjsWorkerRequest } from './bare-tfjs.worker.js';
import type { Started } from './side.js';
import { startWorkerSide } from './worker-side.js';

/** From the network (a cold visit: the model is then kept in the worker's `indexeddb://`, untimed) or from that store. */
export function startTfjsWorker(spec: CellSpec, url: string, source: 'network' | 'idb'): Promise<Started> {
  const init: BareTfjsWorkerRequest = { type: 'init', modelUrl: url, source, wasmBase: new URL('/engines/tfjs/', location.href).href };
  const save: BareTfjsWorkerRequest = { type: 'save' };
  return startWorkerSide(spec, {
    spawn: () => new Worker(new URL('./bare-tfjs.worker.ts', import.meta.url), { type: 'module' }),
    init,
    info: { backend: 'wasm', threads: 1, bytes: 0 },
    ...(source === 'network' ? { after: (ask) => ask(save) } : {}),
  });
}
