/**
 * The scale bench's page (bench/scale/run-scale.ts drives it): one big model loaded one way —
 * edgeserve through its public API, or onnxruntime-web alone in a worker (scale-ort.worker.ts) —
 * then one prediction on the known input. Node samples the browser's memory meanwhile; the page
 * reports the times and the output, which Node checks against the expected values.
 */
import { createRuntime, type Model, type Runtime } from '../../src/index.js';
import { inputPattern } from '../scale/model-spec.js';
import type { ScaleWorkerRequest } from './scale-ort.worker.js';

export interface ScaleLoad {
  /** From the call to the model (session) being ready. */
  loadMs: number;
  firstPredictMs: number;
  /** The first prediction's output, y[0..k). */
  y: number[];
  /** edgeserve: whether the model came from its store (IndexedDB). */
  fromCache?: boolean;
  /** edgeserve: ms from the call to each progress phase's first event, and to the download's last (`download end`). */
  phases?: Record<string, number>;
  /** edgeserve: ms from the call until the store had the model (a big download is served before it is stored). */
  storedMs?: number;
}

const state: { runtime?: Runtime; model?: Model; worker?: Worker } = {};

function ask(worker: Worker, request: ScaleWorkerRequest, transfer: Transferable[] = []): Promise<{ y?: Float32Array }> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ ok: boolean; error?: string; y?: Float32Array }>) => (e.data.ok ? resolve(e.data) : reject(new Error(e.data.error)));
    worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
    worker.postMessage(request, transfer);
  });
}

const scale = {
  async edgeserve(o: { id: string; k: number; threads: number; manifestUrl: string; storeName: string }): Promise<ScaleLoad> {
    const t0 = performance.now();
    state.runtime = createRuntime({ backend: 'wasm', wasmThreads: o.threads, storeName: o.storeName, manifestUrl: o.manifestUrl });
    const phases: Record<string, number> = {};
    state.model = await state.runtime.load(o.id, {
      precision: 'fp32',
      onProgress: (p) => {
        const at = Math.round(performance.now() - t0);
        phases[p.phase] ??= at;
        if (p.phase === 'download') phases['download end'] = at;
      },
    });
    const t1 = performance.now();
    const out = await state.model.predict({ x: { dtype: 'float32', dims: [1, o.k], data: inputPattern(o.k) } });
    const t2 = performance.now();
    const fromCache = state.model.info().fromCache;
    // The visit lasts until the store has the model, as an offline-first app's would: the warm
    // visit then reads it, and the settled memory is after the store's writes.
    while (state.model.info().storing) await new Promise((resolve) => setTimeout(resolve, 50));
    const storedMs = performance.now() - t0;
    return { loadMs: t1 - t0, firstPredictMs: t2 - t1, y: Array.from(out.y!.data as Float32Array), fromCache, phases, storedMs };
  },

  async bare(o: { url: string; externalData?: { path: string; url: string }; k: number; threads: number }): Promise<ScaleLoad> {
    const t0 = performance.now();
    const worker = (state.worker = new Worker(new URL('./scale-ort.worker.ts', import.meta.url), { type: 'module' }));
    await ask(worker, {
      type: 'init',
      modelUrl: o.url,
      ...(o.externalData ? { externalData: o.externalData } : {}),
      threads: o.threads,
      wasmBase: new URL('/engines/ort/', location.href).href,
    });
    const t1 = performance.now();
    const x = inputPattern(o.k);
    const { y } = await ask(worker, { type: 'run', x }, [x.buffer]);
    const t2 = performance.now();
    return { loadMs: t1 - t0, firstPredictMs: t2 - t1, y: Array.from(y!) };
  },

  async dispose(): Promise<void> {
    await state.model?.dispose();
    state.runtime?.dispose();
    state.worker?.terminate();
    delete state.model;
    delete state.runtime;
    delete state.worker;
  },
};

export type ScalePage = typeof scale;
declare global {
  interface Window {
    scale: ScalePage;
  }
}
window.scale = scale;
document.getElementById('status')!.textContent = 'ready';
