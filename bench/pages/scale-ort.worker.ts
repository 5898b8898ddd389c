/// <reference lib="webworker" />
/**
 * The scale bench's floor: onnxruntime-web alone in a dedicated worker, given the model's URL
 * (`InferenceSession.create(url)`, as a user who never heard of edgeserve writes it), and for
 * external data the data file's URL too. Same ORT flavour and session options as edgeserve's
 * engine (src/engines/onnx.ts). Unlike bare-ort.worker.ts it does not fetch the bytes itself: the
 * runtime's own loading of a big file is what is measured.
 */
import * as ort from 'onnxruntime-web/wasm';

export type ScaleWorkerRequest =
  | { type: 'init'; modelUrl: string; externalData?: { path: string; url: string }; threads: number; wasmBase: string }
  | { type: 'run'; x: Float32Array };

let session: ort.InferenceSession | undefined;

async function handle(request: ScaleWorkerRequest): Promise<void> {
  if (request.type === 'init') {
    ort.env.wasm.wasmPaths = request.wasmBase;
    ort.env.wasm.numThreads = request.threads;
    ort.env.wasm.proxy = false;
    ort.env.logLevel = 'error';
    session = await ort.InferenceSession.create(request.modelUrl, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
      ...(request.externalData ? { externalData: [{ path: request.externalData.path, data: request.externalData.url }] } : {}),
    });
    postMessage({ ok: true });
    return;
  }
  const k = request.x.length;
  const results = await session!.run({ x: new ort.Tensor('float32', request.x, [1, k]) });
  const y = results.y!.data as Float32Array;
  postMessage({ ok: true, y }, [y.buffer as ArrayBuffer]);
}

self.onmessage = (event: MessageEvent<ScaleWorkerRequest>) => {
  handle(event.data).catch((error: unknown) => postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) }));
};
