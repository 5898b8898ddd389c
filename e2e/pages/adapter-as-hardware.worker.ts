/// <reference lib="webworker" />
// The runtime's worker, except that it takes this browser's WebGPU adapter for a hardware one,
// so `auto` measures it against WASM instead of skipping it (SwiftShader here: it must lose).
import { expose } from 'comlink';
import { detectCapabilities } from '../../src/capabilities.js';
import { withTaggedErrors } from '../../src/error-wire.js';
import { createHost, defaultHostDeps } from '../../src/host/host.js';
import { holdLifeLock } from '../../src/life-lock.js';

expose(withTaggedErrors(createHost({ ...defaultHostDeps, detect: async () => ({ ...(await detectCapabilities()), softwareAdapter: false }), alive: holdLifeLock(self.name) })));
