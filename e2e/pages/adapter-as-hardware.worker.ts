/// <reference lib="webworker" />
// The runtime's worker, except that it takes this browser's WebGPU adapter for a hardware one,
// so `auto` measures it against WASM instead of skipping it (SwiftShader here: it must lose).
import { detectCapabilities } from '../../src/capabilities.js';
import { exposeHost } from '../../src/host/expose-host.js';

exposeHost({ detect: async () => ({ ...(await detectCapabilities()), softwareAdapter: false }) });
