/**
 * The worker's side of how predicts arrive (the page's side: client/transport.ts). Predicts
 * that come as Comlink messages reach the host's WorkerApi; a transport may bring them another
 * way too. The shared-memory transport (cross-origin isolated pages: `init` carries a buffer)
 * parks the worker in `Atomics.wait` after a predict while nothing else is in flight, and serves
 * the next call written into the buffer (parking.ts); with no buffer, messages only.
 */
import { tagError } from '../error-wire.js';
import { EdgeServeError, toEdgeServeError } from '../errors.js';
import type { TensorMap } from '../protocol.js';
import { ChannelView } from '../shared-memory-channel.js';
import type { HostPort } from './host-parts.js';
import { Parking } from './parking.js';

export interface WorkerTransport {
  /** A predict that came as a message was answered: the next may come this transport's way. */
  answered(): void;
}

export interface WorkerTransportDeps {
  /** The host's predict (checks, queue, engine, metrics). */
  predict: (handle: string, inputs: TensorMap) => Promise<TensorMap>;
  /** Nothing else in flight (loads, upgrades, predicts): the transport may hold the event loop. */
  isIdle: () => boolean;
  /** Counts a predict that came this transport's way, not as a message. */
  onCall: (handle: string) => void;
  /** The worker's own message port. */
  port: HostPort;
}

export const messagesOnly: WorkerTransport = { answered: () => undefined };

export function openWorkerTransport(channel: SharedArrayBuffer | undefined, deps: WorkerTransportDeps): WorkerTransport {
  if (!channel) return messagesOnly;
  const parking = new Parking(new ChannelView(channel), {
    serve: (handle, inputs) => {
      deps.onCall(handle);
      // The wait loop that served it renews the window and parks again (parking.ts).
      return deps.predict(handle, inputs);
    },
    isIdle: deps.isIdle,
    errorData: (error) => tagError(error instanceof EdgeServeError ? error : toEdgeServeError(error)),
    post: (message, transfer) => deps.port.postMessage(message, transfer),
    onMessage: (listener) => deps.port.addEventListener('message', listener),
  });
  // The next call may come through shared memory: wait for it parked.
  return { answered: () => parking.touch() };
}
