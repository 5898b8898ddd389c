/// <reference lib="webworker" />
/**
 * What a runtime worker entry does: hold the worker's life lock, and expose the host over
 * Comlink with its typed errors tagged (error-wire.ts). Test and bench workers call this with
 * other dependencies (an engine that spins, an adapter taken for hardware) and stay the
 * shipped code path otherwise.
 */
import { expose } from 'comlink';
import { withTaggedErrors } from '../error-wire.js';
import { holdLifeLock } from '../locks/life-lock.js';
import { createHost, defaultHostDeps, type HostDeps } from './host.js';

export function exposeHost(deps: Partial<HostDeps> = {}): void {
  expose(withTaggedErrors(createHost({ ...defaultHostDeps, ...deps, alive: holdLifeLock(self.name) })));
}
