/** Stands in for src/client/default-worker.ts in the drop-in build, which always passes its blob: worker. */
import type { WorkerFactory } from '../client/worker-link.js';

export const defaultWorkerFactory: WorkerFactory = () => {
  throw new Error('edgeserve.iife.js starts its blob: worker; pass workerFactory only to replace it');
};
