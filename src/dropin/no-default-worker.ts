/** Stands in for src/client/default-worker.ts in the drop-in build, which always passes its inlined worker. */
import type { WorkerFactory } from '../client/worker-link.js';

export const defaultWorkerFactory: WorkerFactory = () => {
  throw new Error('edgeserve.iife.js starts its inlined worker; pass workerFactory only to replace it');
};
