/// <reference lib="webworker" />
// The runtime's worker: the host, exposed over Comlink. Nothing else lives here.
import { exposeHost } from '../src/host/expose-host.js';

exposeHost();
