/// <reference lib="webworker" />
// The runtime worker with clocks (timed-host.ts), engines exactly as shipped.
import { exposeTimedHost } from './timed-host.js';

exposeTimedHost();
