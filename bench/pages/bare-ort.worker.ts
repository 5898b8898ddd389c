/// <reference lib="webworker" />
/**
 * The floor of any worker-based runtime: onnxruntime-web in a dedicated worker with nothing
 * around it — one postMessage in, `session.run`, one postMessage out, buffers transferred both
 * ways. Same ORT flavour (`onnxruntime-web/wasm`), thread count and session options as
 * edgeserve's engine (src/engines/onnx.ts), so edgeserve ÷ this is what the library adds and
 * this ÷ bare-in-page is what leaving the page's thread costs on this machine.
 *
 * Its start is the start-up floor too: the model fetched while the runtime starts (the same
 * one-node session edgeserve's engine starts it with), then the session, each timed.
 */
import * as ort from 'onnxruntime-web/wasm';
import { startOrtRuntime } from '../../src/engines/onnx-prepare.js';
import type { TensorMap } from '../../src/index.js';

export type BareWorkerRequest = { type: 'init'; modelUrl: string; threads: number; wasmBase: string } | { type: 'run'; inputs: TensorMap };

/** The init reply: when (performance.timeOrigin + ms, i.e. epoch ms) the runtime and the session were ready. */
export interface BareWorkerStarted {
  runtimeAt: number;
  sessionAt: number;
}

let session: ort.InferenceSession | undefined;

const epochNow = () => performance.timeOrigin + performance.now();

async function handle(request: BareWorkerRequest): Promise<void> {
  if (request.type === 'init') {
    ort.env.wasm.wasmPaths = request.wasmBase;
    ort.env.wasm.numThreads = request.threads;
    ort.env.wasm.proxy = false;
    ort.env.logLevel = 'error';
    const model = fetch(request.modelUrl).then((r) => r.arrayBuffer());
    await startOrtRuntime(ort);
    const runtimeAt = epochNow();
    session = await ort.InferenceSession.create(new Uint8Array(await model), {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
    const started: BareWorkerStarted = { runtimeAt, sessionAt: epochNow() };
    postMessage({ ok: true, started });
    return;
  }
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(request.inputs)) feeds[name] = new ort.Tensor(t.dtype, t.data as ort.Tensor.DataType, t.dims);
  const results = await session!.run(feeds);
  const outputs: TensorMap = {};
  for (const [name, t] of Object.entries(results)) outputs[name] = { dtype: t.type as TensorMap[string]['dtype'], dims: [...t.dims], data: t.data as TensorMap[string]['data'] };
  postMessage(
    { ok: true, outputs },
    Object.values(outputs).map((t) => t.data.buffer as ArrayBuffer),
  );
}

self.onmessage = (event: MessageEvent<BareWorkerRequest>) => {
  handle(event.data).catch((error: unknown) => postMessage({ ok: false, error: String(error) }));
};
