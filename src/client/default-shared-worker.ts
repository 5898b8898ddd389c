/**
 * The module build's shared host: Vite (and other bundlers) turn this `new URL(…, import.meta.url)`
 * inside `new SharedWorker(…)` into a worker file of its own, as for the dedicated worker. The
 * library build writes the literal for dist/lib/shared-host.worker.js; the drop-in script has
 * none (its worker is a blob: URL, which no other page can reach), so it runs each page's own
 * (tools/build/build-lib.ts).
 */
import type { SharedWorkerFactory } from './shared-host-link.js';

export const defaultSharedWorkerFactory: SharedWorkerFactory | undefined = (name) =>
  new SharedWorker(new URL('../../workers/shared-host.worker.ts', import.meta.url), { type: 'module', name });
