/// <reference lib="webworker" />
// The shared host's worker (a SharedWorker): one host for every same-origin page with the same configuration.
import { exposeSharedHost } from '../src/host/expose-shared-host.js';

exposeSharedHost();
