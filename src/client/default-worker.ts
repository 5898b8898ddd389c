/**
 * The module build's worker: Vite (and other bundlers) turn this `new URL(…, import.meta.url)`
 * into a worker file of its own. The drop-in script replaces this module with an inlined
 * worker (see tools/build/build-lib.ts), since a page cannot start a worker from another origin.
 */
import type { WorkerFactory } from './worker-link.js';

export const defaultWorkerFactory: WorkerFactory = (name) => new Worker(new URL('../../workers/runtime.worker.ts', import.meta.url), { type: 'module', name });
