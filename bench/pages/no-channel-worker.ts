/**
 * The bench's "channel off" side: edgeserve's own worker, started by a factory whose worker
 * refuses shared memory (a DataCloneError for any message carrying a SharedArrayBuffer), as a
 * worker that is not cross-origin isolated does. The runtime then runs without the
 * shared-memory channel (worker-link.ts falls back), every predict by postMessage: the same
 * code path a non-isolated page takes, with nothing added to the public API.
 */
import { defaultWorkerFactory } from '../../src/client/default-worker.js';
import type { WorkerFactory } from '../../src/index.js';

function carriesShared(value: unknown, depth = 0): boolean {
  if (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer) return true;
  if (depth > 5 || typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return false;
  return Object.values(value).some((v) => carriesShared(v, depth + 1));
}

export const noChannelWorkerFactory: WorkerFactory = (name) => {
  const worker = defaultWorkerFactory(name);
  const post = worker.postMessage.bind(worker) as (message: unknown, transfer?: Transferable[]) => void;
  worker.postMessage = ((message: unknown, transfer?: Transferable[]) => {
    if (carriesShared(message)) throw new DOMException('bench: this worker takes no shared memory', 'DataCloneError');
    post(message, transfer);
  }) as Worker['postMessage'];
  return worker;
};
