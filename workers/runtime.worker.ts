/// <reference lib="webworker" />
// The runtime's worker: the host, exposed over Comlink. Nothing else lives here.
import { expose } from 'comlink';
import { withTaggedErrors } from '../src/error-wire.js';
import { createHost, defaultHostDeps } from '../src/host/host.js';
import { holdLifeLock } from '../src/life-lock.js';

expose(withTaggedErrors(createHost({ ...defaultHostDeps, alive: holdLifeLock(self.name) })));
