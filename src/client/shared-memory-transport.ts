/**
 * The shared-memory transport (transport.ts) on cross-origin isolated pages: a predict goes
 * through the worker's SharedArrayBuffer when the worker is parked waiting for one
 * (shared-predict.ts), and as a message otherwise. Every message Comlink posts is counted and
 * rings the channel, so a worker parked in Atomics.wait reads it at once.
 */
import { CHANNEL_BYTES, ChannelView, sharedChannelAvailable } from '../shared-memory-channel.js';
import { SharedPredict } from './shared-predict.js';
import { messagePredict, messageTransport, type Transport, type TransportFactory } from './transport.js';

export function sharedMemoryTransport(worker: Worker, bytes = CHANNEL_BYTES): Transport {
  const view = new ChannelView(new SharedArrayBuffer(bytes));
  const shared = new SharedPredict(view, worker);
  /** False once the worker refused the buffer: every call by message from then on. */
  let open = true;
  return {
    endpoint: {
      postMessage: (message: unknown, transfer?: Transferable[]) => {
        // Counted once posted (a post that throws, e.g. DataCloneError, is not a message); a
        // worker that reads it before the count only sees "unread" a moment early.
        worker.postMessage(message, transfer ?? []);
        if (!open) return;
        shared.countPosted();
        shared.ring();
      },
      addEventListener: worker.addEventListener.bind(worker),
      removeEventListener: worker.removeEventListener.bind(worker),
    },
    async init(api, init) {
      try {
        await api.init({ ...init, channel: view.buffer });
      } catch (error) {
        // A worker that cannot receive shared memory (not cross-origin isolated itself) refuses
        // the buffer with a DataCloneError: it then runs without the channel.
        if (!(error instanceof DOMException && error.name === 'DataCloneError')) throw error;
        open = false;
        await api.init(init);
      }
    },
    predict(api, handle, inputs, callId) {
      const reply = open && callId === undefined ? shared.tryPredict(handle, inputs) : undefined;
      return reply ?? messagePredict(api, handle, inputs, callId);
    },
  };
}

/** Shared memory where the page can share it and wait on it (cross-origin isolated), messages elsewhere. */
export const defaultTransport: TransportFactory = (worker) => (sharedChannelAvailable() ? sharedMemoryTransport(worker) : messageTransport(worker));
