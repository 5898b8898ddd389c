/**
 * The page's transports (src/client/transport.ts, shared-memory-transport.ts) against a real
 * second thread running the worker's transport (src/host/worker-transport.ts) over real
 * Comlink and real Atomics: the caller sees the same outputs whichever way a predict went.
 */
import { wrap, type Remote } from 'comlink';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { sharedMemoryTransport } from '../../src/client/shared-memory-transport.js';
import { messageTransport, type Transport } from '../../src/client/transport.js';
import { tensor } from '../../src/index.js';
import type { TensorMap, WorkerApi, WorkerInit } from '../../src/protocol.js';

interface ThreadApi {
  init(init: WorkerInit): void;
  counts(): { messages: number; shared: number; channel: boolean };
}

const threads: Worker[] = [];
afterEach(async () => {
  await Promise.all(threads.splice(0).map((t) => t.terminate()));
});

/** A worker_threads Worker with the DOM Worker's listener API, as the page's transports use it. */
function spawn(options: { refuseShared?: boolean } = {}): Worker & globalThis.Worker {
  const url = new URL('../fixtures/transport-thread.ts', import.meta.url).href;
  const thread = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}); })`, { eval: true });
  threads.push(thread);
  const listeners = new Map<unknown, (data: unknown) => void>();
  const post = thread.postMessage.bind(thread);
  return Object.assign(thread, {
    postMessage(message: unknown, transfer?: Transferable[]) {
      const init = (message as { argumentList?: { value?: { channel?: unknown } }[] }).argumentList?.[0]?.value;
      if (options.refuseShared && init?.channel instanceof SharedArrayBuffer) throw new DOMException('no shared memory here', 'DataCloneError');
      post(message, transfer as never);
    },
    addEventListener(type: string, listener: (event: { data: unknown }) => void) {
      const wrapped = (data: unknown) => listener({ data });
      listeners.set(listener, wrapped);
      thread.on(type, wrapped);
    },
    removeEventListener(type: string, listener: unknown) {
      const wrapped = listeners.get(listener);
      if (wrapped) thread.off(type, wrapped);
    },
  }) as unknown as Worker & globalThis.Worker;
}

const init: WorkerInit = { storeName: 'transport-test', manifestUrl: 'unused' } as WorkerInit;
const feed = (values: number[]): TensorMap => ({ x: tensor('float32', Float32Array.from(values), [values.length]) });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The shared path detaches with ArrayBuffer.prototype.transfer (Chromium; Node from 21): where it is missing, inputs stay attached. */
const canDetach = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function';

async function open(transport: Transport): Promise<{ api: Remote<WorkerApi>; thread: Remote<ThreadApi> }> {
  const api = wrap<WorkerApi>(transport.endpoint);
  await transport.init(api, init);
  return { api, thread: api as unknown as Remote<ThreadApi> };
}

async function call(transport: Transport, api: Remote<WorkerApi>, values: number[], callId?: string): Promise<{ out: number[]; detached: boolean }> {
  const inputs = feed(values);
  const outputs = await transport.predict(api, 'h', inputs, callId);
  return { out: [...(outputs.x!.data as Float32Array)], detached: inputs.x!.data.buffer.byteLength === 0 };
}

describe('transports', () => {
  it('shared memory: after a predict the next ones go through the parked worker, same outputs', async () => {
    const worker = spawn();
    const transport = sharedMemoryTransport(worker);
    const { api, thread } = await open(transport);
    expect(await call(transport, api, [1, 2])).toEqual({ out: [2, 4], detached: true });
    let detached = 0;
    for (let i = 0; i < 5; i++) {
      await pause(100);
      const result = await call(transport, api, [i, -0.5]);
      expect(result.out).toEqual([2 * i, -1]);
      if (result.detached) detached++;
    }
    const counts = await thread.counts();
    expect(counts.channel).toBe(true);
    expect(counts.messages + counts.shared).toBe(6);
    // A call can miss the worker between two waits (a loaded machine) and go as a message, which
    // transfers (detaches) its inputs; the shared path detaches them only where it can.
    expect(counts.shared).toBeGreaterThanOrEqual(4);
    expect(detached).toBe(canDetach ? 5 : counts.messages - 1);
  });

  it('shared memory: a cancellable call (callId) always goes as a message', async () => {
    const worker = spawn();
    const transport = sharedMemoryTransport(worker);
    const { api, thread } = await open(transport);
    await call(transport, api, [1]);
    await pause(50);
    expect(await call(transport, api, [3], 'call-1')).toEqual({ out: [6], detached: true });
    expect(await thread.counts()).toMatchObject({ messages: 2, shared: 0 });
  });

  it('a worker that refuses shared memory gets init without it, and every predict goes as a message', async () => {
    const worker = spawn({ refuseShared: true });
    const transport = sharedMemoryTransport(worker);
    const { api, thread } = await open(transport);
    for (let i = 0; i < 3; i++) {
      await pause(20);
      expect(await call(transport, api, [i])).toEqual({ out: [2 * i], detached: true });
    }
    expect(await thread.counts()).toEqual({ messages: 3, shared: 0, channel: false });
  });

  it('messages: every predict is a Comlink call', async () => {
    const worker = spawn();
    const transport = messageTransport(worker);
    const { api, thread } = await open(transport);
    await call(transport, api, [1]);
    await pause(50);
    expect(await call(transport, api, [2])).toEqual({ out: [4], detached: true });
    expect(await thread.counts()).toEqual({ messages: 2, shared: 0, channel: false });
  });
});
