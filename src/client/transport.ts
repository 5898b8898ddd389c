/**
 * How a predict travels between the page and a runtime worker. Everything else (load, metrics,
 * ping, …) is a Comlink call over the transport's `endpoint`; a predict goes through `predict`,
 * so the link and the model never know which way it went. Two transports:
 * - messages (this file): a Comlink call, inputs and outputs transferred;
 * - shared memory (shared-memory-transport.ts), on cross-origin isolated pages: a predict
 *   written into a buffer the worker waits on, falling back to messages when it cannot.
 * The worker's side is host/worker-transport.ts.
 */
import { transfer, type Endpoint, type Remote } from 'comlink';
import { tensorBuffers, type TensorMap, type WorkerApi, type WorkerInit } from '../protocol.js';

export interface Transport {
  /** What Comlink posts to and listens on. */
  readonly endpoint: Endpoint;
  /** Sends `init` to the worker, with what the worker's side of this transport needs. */
  init(api: Remote<WorkerApi>, init: WorkerInit): Promise<void>;
  /**
   * One predict: the inputs' buffers are detached, the outputs come back. A cancellable call
   * (`callId`) always goes as a message, where the worker can drop it while it is queued.
   */
  predict(api: Remote<WorkerApi>, handle: string, inputs: TensorMap, callId: string | undefined): Promise<TensorMap>;
}

/** Makes the transport for a worker just spawned. */
export type TransportFactory = (worker: Worker) => Transport;

export function messagePredict(api: Remote<WorkerApi>, handle: string, inputs: TensorMap, callId: string | undefined): Promise<TensorMap> {
  return api.predict(handle, transfer(inputs, tensorBuffers(inputs)), callId);
}

export const messageTransport: TransportFactory = (worker) => ({
  endpoint: worker,
  init: (api, init) => api.init(init),
  predict: messagePredict,
});
