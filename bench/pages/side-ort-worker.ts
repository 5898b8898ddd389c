/** The bare-worker reference side (bare-ort.worker.ts): onnxruntime-web behind one postMessage. */
import { inputsFor } from '../../test/fixtures/inputs.js';
import { tensorBuffers } from '../../src/protocol.js';
import type { CellSpec } from '../lib/cell.js';
import type { BareWorkerRequest } from './bare-ort.worker.js';
import { cloneInputs, threadsFor, type Side } from './side.js';

export async function startOrtWorker(spec: CellSpec, url: string): Promise<Side> {
  const worker = new Worker(new URL('./bare-ort.worker.ts', import.meta.url), { type: 'module' });
  const ask = (request: BareWorkerRequest, transfer: Transferable[] = []) =>
    new Promise<void>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<{ ok: boolean; error?: string }>) => (event.data.ok ? resolve() : reject(new Error(event.data.error)));
      worker.postMessage(request, transfer);
    });
  const bytes = await (await fetch(url)).arrayBuffer();
  const size = bytes.byteLength;
  const threads = threadsFor(spec.backend);
  await ask({ type: 'init', bytes, threads, wasmBase: new URL('/engines/ort/', location.href).href }, [bytes]);
  const template = inputsFor[spec.model]!();
  return {
    info: { backend: 'wasm', threads, bytes: size },
    async once() {
      const inputs = cloneInputs(template);
      const started = performance.now();
      await ask({ type: 'run', inputs }, tensorBuffers(inputs));
      return performance.now() - started;
    },
    async dispose() {
      worker.terminate();
    },
  };
}
