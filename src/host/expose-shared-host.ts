/// <reference lib="webworker" />
/**
 * What the shared host's worker entry does (workers/shared-host.worker.ts): one host core for
 * every page that connects, each page's facade exposed on its own MessagePort (shared-host.ts).
 *
 * Threads: in Chromium 150 (headless, localhost, COOP/COEP sent with the page and the worker's
 * script) a SharedWorker is not cross-origin isolated — `crossOriginIsolated` is false,
 * `SharedArrayBuffer` is undefined and `Worker` is not defined (no nested workers). So the
 * shared host runs onnxruntime-web's WASM on one thread (capabilities.ts reads
 * crossOriginIsolated) and predicts travel as messages only (no shared-memory channel). What
 * the host finds here is measured at start and told to every page (`scope` in its hello), so
 * runtime.info() reports the browser's real answer, not this comment's.
 */
import { expose } from 'comlink';
import { withTaggedErrors } from '../error-wire.js';
import { holdLifeLock } from '../locks/life-lock.js';
import { CONNECT_KEY, closeChannel, type SharedHostScope } from '../shared-host-protocol.js';
import { createHostCore, defaultHostDeps, type HostDeps } from './host.js';
import { createSharedHost } from './shared-host.js';

export function sharedHostScope(scope: typeof globalThis = globalThis): SharedHostScope {
  return {
    crossOriginIsolated: scope.crossOriginIsolated === true,
    sharedArrayBuffer: typeof (scope as { SharedArrayBuffer?: unknown }).SharedArrayBuffer === 'function',
    nestedWorkers: typeof (scope as { Worker?: unknown }).Worker === 'function',
  };
}

export function exposeSharedHost(deps: Partial<HostDeps> = {}): void {
  const scope = self as unknown as SharedWorkerGlobalScope;
  // One life lock per instance: a host started again under the same name (after a crash) holds another.
  const lifeLock = `edgeserve-life-${crypto.randomUUID()}`;
  const core = createHostCore({ ...defaultHostDeps, ...deps, alive: holdLifeLock(lifeLock) });
  const host = createSharedHost(core, {
    lifeLock,
    scope: sharedHostScope(),
    // After the error has been posted to the pages that asked.
    onWorkerReplaced: () => setTimeout(() => scope.close(), 0),
  });
  scope.addEventListener('connect', (event) => {
    const port = event.ports[0];
    if (!port) return;
    // The page sends its own channel's port first (it wraps the other end before this worker exists).
    port.onmessage = (message: MessageEvent) => {
      const channel = (message.data as Record<string, unknown> | null)?.[CONNECT_KEY];
      if (channel instanceof MessagePort) expose(withTaggedErrors(host.connect()), channel);
    };
  });
  // A page that declared this host stuck asks it to close; it hears that once its event loop is free.
  new BroadcastChannel(closeChannel(scope.name)).onmessage = () => scope.close();
}
