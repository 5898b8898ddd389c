/**
 * Bare onnxruntime-web in the page, configured as edgeserve's engine configures itself
 * (src/engines/onnx.ts): same wasmPaths, same thread count, no proxy worker, same session options.
 * ort.env is read once per page, so the page's thread count comes from its URL (?threads=N).
 */
import * as ort from 'onnxruntime-web';
import { inputsFor } from '../../test/fixtures/inputs.js';
import type { TensorMap } from '../../src/index.js';
import type { CellSpec } from '../lib/cell.js';
import { threadsFor, type Side, type Started } from './side.js';

export const pageThreads = Number(new URLSearchParams(location.search).get('threads') ?? '1');
let configured = false;

export function configureOrt(): typeof ort {
  if (!configured) {
    ort.env.wasm.wasmPaths = new URL('/engines/ort/', location.href).href;
    ort.env.wasm.numThreads = pageThreads;
    ort.env.wasm.proxy = false;
    ort.env.logLevel = 'error';
    configured = true;
  }
  return ort;
}

export function toOrtFeeds(inputs: TensorMap): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(inputs)) feeds[name] = new ort.Tensor(t.dtype, t.data as ort.Tensor.DataType, t.dims);
  return feeds;
}

export async function ortSession(url: string | Uint8Array, backend: 'webgpu' | 'wasm'): Promise<ort.InferenceSession> {
  configureOrt();
  const options: ort.InferenceSession.SessionOptions = { executionProviders: [backend], graphOptimizationLevel: 'all' };
  return typeof url === 'string' ? ort.InferenceSession.create(url, options) : ort.InferenceSession.create(url, options);
}

export async function startOrt(spec: CellSpec, url: string): Promise<Started> {
  const wantThreads = threadsFor(spec.backend);
  if (spec.backend !== 'webgpu' && wantThreads !== pageThreads) {
    throw new Error(`this page runs ORT with ${pageThreads} threads; the cell needs ${wantThreads} (open it with ?threads=${wantThreads})`);
  }
  const template = inputsFor[spec.model]!();
  const t0 = performance.now();
  const session = await ortSession(url, spec.backend === 'webgpu' ? 'webgpu' : 'wasm');
  const t1 = performance.now();
  await session.run(toOrtFeeds(template));
  const t2 = performance.now();
  const bytes = Number((await fetch(url, { method: 'HEAD' })).headers.get('content-length') ?? 0);
  const side: Side = {
    info: { backend: spec.backend === 'webgpu' ? 'webgpu' : 'wasm', threads: spec.backend === 'webgpu' ? 0 : pageThreads, bytes },
    async once() {
      const started = performance.now();
      // ORT copies inputs into its heap and outputs out of it; making the Tensor is part of a call.
      await session.run(toOrtFeeds(template));
      return performance.now() - started;
    },
    dispose: () => session.release(),
  };
  return { side, start: { loadMs: t1 - t0, firstRunMs: t2 - t1, ttfpMs: t2 - t0 } };
}
